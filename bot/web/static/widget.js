/*
 * Trợ lý số: the embeddable chat widget.
 *
 * A host page embeds it with one tag:
 *   <script src="https://GATEWAY/widget.js" data-title="Trợ lý số" data-color="#0b5394"
 *           data-position="right" data-greeting="Xin chào!..." data-commune="SL03" defer></script>
 * (`data-commune`: the commune whose page this is; the escalation form then only asks to confirm it.)
 *
 * Plain JavaScript, no framework, no build step. Everything lives in a shadow root so the host
 * page's CSS cannot break the widget and the widget's CSS cannot leak into the page. Server text
 * is always inserted as text (textContent / text nodes); http(s) links become anchors built
 * with the DOM API.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !script.src || window.TroLySoWidget) {
    return;
  }

  var ORIGIN = new URL(script.src, window.location.href).origin;
  var SESSION_PATTERN = /^[A-Za-z0-9_.\-]{1,128}$/;
  var COLOR_PATTERN = /^#(?:[0-9a-fA-F]{3}){1,2}$/;
  var COMMUNE_PATTERN = /^[A-Za-z0-9_\-]{1,16}$/;
  var TICKET_PATTERN = /\bTL-[23456789A-HJKMNP-Z]{5}\b/g;
  var URL_PATTERN = /https?:\/\/[^\s<>"'`]+/gi;
  var TRAILING_PUNCTUATION = /[.,;:!?'"»”’\])}]+$/;
  var MAX_TEXT = 2000;
  var REQUEST_TIMEOUT_MS = 45000;
  var POLL_INTERVAL_MS = 20000;
  var HISTORY_LIMIT = 60;
  var KEY = "trolyso:" + ORIGIN + ":";
  /** The topics and example questions the greeting offers (written in by the gateway that serves this file). */
  var GREETING_MENU = /*greeting-menu*/null;

  var TEXT = {
    title: "Trợ lý số",
    greeting: "Xin chào! Tôi là Trợ lý số. Bạn cần hỏi gì về dịch vụ công trực tuyến, thanh toán không dùng " +
      "tiền mặt, BHYT điện tử hay bán sản phẩm OCOP trên mạng?",
    open: "Mở cửa sổ trò chuyện với Trợ lý số",
    close: "Đóng cửa sổ trò chuyện",
    restart: "Bắt đầu cuộc trò chuyện mới",
    restartAsk: "Bắt đầu cuộc trò chuyện mới? Nội dung đang hiện sẽ được xoá. Các phiếu bạn đã gửi cho Tổ công " +
      "nghệ số vẫn được giữ: câu trả lời vẫn về đây, và bạn nhắn \"phiếu của tôi\" để xem lại.",
    restartYes: "Bắt đầu lại",
    restartNo: "Không, tiếp tục",
    examples: "Hoặc bấm một câu hỏi mẫu:",
    copy: "Chép mã",
    copied: "Đã chép",
    inputLabel: "Nhập câu hỏi của bạn",
    placeholder: "Nhập câu hỏi…",
    send: "Gửi",
    typing: "Trợ lý đang soạn câu trả lời",
    caution: "Không gửi mật khẩu, mã OTP hay số thẻ ngân hàng vào đây.",
    newTab: " (mở trong thẻ mới)",
    unread: " tin nhắn mới",
    laterPrefix: "Tin nhắn mới: ",
    noAnswer: "Trợ lý chưa có câu trả lời cho tin nhắn này. Bạn thử hỏi theo cách khác nhé.",
    tooLong: "Tin nhắn quá dài: tối đa " + MAX_TEXT + " ký tự, xin bạn viết ngắn lại.",
    network: "Không kết nối được tới Trợ lý số. Bạn kiểm tra kết nối mạng rồi thử lại nhé.",
    timeout: "Trợ lý trả lời quá lâu. Bạn vui lòng thử lại sau ít phút.",
    busy: "Trợ lý đang bận hoặc đang khởi động lại, bạn vui lòng thử lại sau ít phút.",
    rejected: "Tin nhắn chưa gửi được. Bạn vui lòng thử lại.",
    server: "Hệ thống đang gặp sự cố. Bạn vui lòng thử lại sau ít phút."
  };

  var STYLE = [
    ":host{all:initial}",
    ".tls{--tls-accent:#0b5394;--tls-on-accent:#fff;font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,",
    "sans-serif;font-size:16px;line-height:1.45;color:#1b1b1b}",
    ".tls *{box-sizing:border-box}",
    ".bubble{position:fixed;bottom:16px;right:16px;z-index:2147483000;width:60px;height:60px;border-radius:50%;",
    "border:0;background:var(--tls-accent);color:var(--tls-on-accent);font-size:28px;cursor:pointer;",
    "box-shadow:0 4px 14px rgba(0,0,0,.3);display:flex;align-items:center;justify-content:center}",
    ".left .bubble{right:auto;left:16px}",
    ".badge{position:absolute;top:-4px;right:-4px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;",
    "background:#c62828;color:#fff;font-size:13px;font-weight:700;line-height:22px;text-align:center}",
    ".panel{position:fixed;bottom:88px;right:16px;z-index:2147483001;width:380px;max-width:calc(100vw - 32px);",
    "height:600px;max-height:calc(100vh - 110px);display:flex;flex-direction:column;background:#fff;",
    "border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.3);overflow:hidden}",
    ".left .panel{right:auto;left:16px}",
    "[hidden]{display:none!important}",
    ".head{display:flex;align-items:center;gap:4px;padding:10px 8px 10px 14px;background:var(--tls-accent);",
    "color:var(--tls-on-accent)}",
    ".head h2{flex:1;margin:0;font-size:17px;font-weight:700;overflow:hidden;text-overflow:ellipsis;",
    "white-space:nowrap}",
    ".icon{width:40px;height:40px;border:0;border-radius:8px;background:transparent;color:inherit;",
    "font-size:22px;cursor:pointer;line-height:1}",
    ".icon:hover{background:rgba(255,255,255,.18)}",
    ".log{position:relative;flex:1;overflow-y:auto;padding:12px;background:#f4f6f8;display:flex;",
    "flex-direction:column;gap:8px}",
    ".msg{max-width:88%;padding:9px 12px;border-radius:12px;white-space:pre-wrap;overflow-wrap:anywhere}",
    ".bot{align-self:flex-start;background:#fff;border:1px solid #d8dde3}",
    ".later{border-color:var(--tls-accent);border-width:2px}",
    ".user{align-self:flex-end;background:var(--tls-accent);color:var(--tls-on-accent)}",
    ".error{align-self:stretch;max-width:none;background:#fdecea;border:1px solid #f5c2c0;color:#7f1d1d}",
    ".msg a{color:#0645ad;text-decoration:underline}",
    ".user a{color:inherit}",
    ".ticket{display:inline-block;white-space:nowrap;padding:1px 6px;border-radius:6px;background:#fff3c4;",
    "border:1px solid #e0b400;color:#1b1b1b;font-family:ui-monospace,Menlo,Consolas,monospace;font-weight:700;",
    "letter-spacing:.04em;user-select:all;-webkit-user-select:all}",
    ".copy{margin:0 4px 0 0;min-height:32px;padding:2px 10px;border:1px solid #9aa4ae;border-radius:14px;",
    "background:#fff;color:#1b1b1b;font:inherit;font-size:14px;cursor:pointer;white-space:nowrap}",
    ".confirm{padding:10px 12px;background:#fff8e1;border-bottom:1px solid #e0b400;font-size:15px}",
    ".confirm p{margin:0 0 8px}",
    ".confirm .choices{gap:8px}",
    ".choices{display:flex;flex-wrap:wrap;gap:6px;align-self:flex-start;max-width:100%}",
    ".choice{min-height:40px;padding:6px 12px;border:1px solid var(--tls-accent);border-radius:18px;",
    "background:#fff;color:#1b1b1b;font:inherit;font-size:15px;cursor:pointer;text-align:left}",
    ".choice:hover:not(:disabled){background:#eef3f9}",
    ".choice:disabled{opacity:.55;cursor:default}",
    ".choice[aria-pressed=true]{opacity:1;font-weight:700}",
    ".typing{align-self:flex-start;padding:9px 12px;border-radius:12px;background:#fff;border:1px solid #d8dde3;",
    "color:#555;font-size:15px}",
    ".dots span{display:inline-block;animation:tls-blink 1.2s infinite both}",
    ".dots span:nth-child(2){animation-delay:.2s}.dots span:nth-child(3){animation-delay:.4s}",
    "@keyframes tls-blink{0%,80%,100%{opacity:.2}40%{opacity:1}}",
    ".caution{margin:0;padding:6px 12px;font-size:13px;color:#555;background:#fff;border-top:1px solid #e3e6ea}",
    ".form{display:flex;gap:8px;padding:10px;background:#fff;border-top:1px solid #e3e6ea}",
    ".form input{flex:1;min-width:0;height:44px;padding:0 12px;border:1px solid #9aa4ae;border-radius:22px;",
    "font:inherit;font-size:16px;color:#1b1b1b;background:#fff}",
    ".send{height:44px;padding:0 16px;border:0;border-radius:22px;background:var(--tls-accent);",
    "color:var(--tls-on-accent);font:inherit;font-weight:700;cursor:pointer}",
    ".send[aria-disabled=true]{opacity:.6;cursor:progress}",
    ".sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);",
    "white-space:nowrap;border:0}",
    "button:focus-visible,input:focus-visible,a:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}",
    "@media (max-width:480px){.panel,.left .panel{inset:0;width:100%;max-width:none;height:100%;",
    "max-height:none;border-radius:0}.open .bubble{display:none}}",
    "@media (prefers-reduced-motion:reduce){.dots span{animation:none;opacity:1}}"
  ].join("");

  var inMemory = {};

  /** Read a value kept for this gateway; `area` is "localStorage" or "sessionStorage". */
  function load(area, name) {
    try {
      var value = window[area].getItem(KEY + name);
      return value === null ? inMemory[area + name] || null : value;
    } catch (e) {
      return inMemory[area + name] || null;
    }
  }

  /** Keep a value for this gateway; falls back to memory when storage is blocked or full. */
  function save(area, name, value) {
    inMemory[area + name] = value;
    try {
      window[area].setItem(KEY + name, value);
    } catch (e) {
      /* storage blocked (private mode) or full: the in-memory copy is used */
    }
  }

  function newSessionId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    var hex = "";
    for (var i = 0; i < bytes.length; i++) {
      hex += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    }
    return "w-" + hex;
  }

  function sessionId() {
    var id = load("localStorage", "session");
    if (!id || !SESSION_PATTERN.test(id)) {
      id = newSessionId();
      save("localStorage", "session", id);
    }
    return id;
  }

  function lastSeenId() {
    var value = parseInt(load("localStorage", "last-id") || "0", 10);
    return isFinite(value) && value > 0 ? value : 0;
  }

  function readConfig(element) {
    var data = element.dataset || {};
    var color = COLOR_PATTERN.test(data.color || "") ? data.color : "#0b5394";
    return {
      title: (data.title || "").trim().slice(0, 60) || TEXT.title,
      color: color,
      onColor: isLight(color) ? "#1b1b1b" : "#ffffff",
      position: data.position === "left" ? "left" : "right",
      greeting: (data.greeting || "").trim().slice(0, 500) || TEXT.greeting,
      commune: COMMUNE_PATTERN.test((data.commune || "").trim()) ? data.commune.trim() : ""
    };
  }

  /** True when dark text contrasts better than white with this colour (WCAG relative luminance). */
  function isLight(hex) {
    var h = hex.slice(1);
    if (h.length === 3) {
      h = h.charAt(0) + h.charAt(0) + h.charAt(1) + h.charAt(1) + h.charAt(2) + h.charAt(2);
    }
    var channels = [0, 2, 4].map(function (at) {
      var c = parseInt(h.slice(at, at + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2] > 0.179;
  }

  function make(tag, className, text) {
    var element = document.createElement(tag);
    if (className) {
      element.className = className;
    }
    if (text) {
      element.textContent = text;
    }
    return element;
  }

  /** A speech-bubble icon drawn with SVG (emoji fonts are missing on many phones). */
  function chatIcon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "30");
    svg.setAttribute("height", "30");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("fill", "currentColor");
    path.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H10l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z");
    svg.appendChild(path);
    return svg;
  }

  /** An http(s) URL in canonical form, or null for anything else. */
  function safeHref(raw) {
    try {
      var url = new URL(raw);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  /** Select the text of `element`, so that the citizen can copy it by hand when the clipboard is refused. */
  function selectText(element) {
    try {
      var range = document.createRange();
      range.selectNodeContents(element);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    } catch (e) {
      /* nothing selectable: the code stays readable */
    }
  }

  /** Copy `code` to the clipboard (or select it), and say so on `button`. */
  function copyCode(code, element, button) {
    function copied() {
      button.textContent = TEXT.copied;
    }
    selectText(element);
    if (navigator.clipboard && typeof navigator.clipboard.writeText === "function") {
      navigator.clipboard.writeText(code).then(copied, function () {
        /* refused (an insecure page): the code is selected for a manual copy */
      });
    } else {
      try {
        if (document.execCommand("copy")) {
          copied();
        }
      } catch (e) {
        /* the code is selected for a manual copy */
      }
    }
  }

  /** A ticket code as one highlighted, unbreakable code; with `copyable`, a button that copies it. */
  function ticketCode(code, copyable) {
    var wrap = make("span");
    var element = wrap.appendChild(make("code", "ticket", code));
    if (copyable) {
      wrap.appendChild(document.createTextNode(" "));  // the code stays one word when the text is copied or read
      var button = wrap.appendChild(make("button", "copy", TEXT.copy));
      button.type = "button";
      button.setAttribute("aria-label", TEXT.copy + " " + code);
      button.addEventListener("click", function () {
        copyCode(code, element, button);
      });
    }
    return wrap;
  }

  /** Append plain `text`; with `tickets`, ticket codes become highlighted codes; the first message naming a code
   *  (alone) gets its copy button (`tickets.offered`: the codes that already have one). */
  function appendPlain(parent, text, tickets) {
    if (!tickets) {
      parent.appendChild(document.createTextNode(text));
      return;
    }
    var last = 0;
    var match;
    TICKET_PATTERN.lastIndex = 0;
    while ((match = TICKET_PATTERN.exec(text)) !== null) {
      parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      var copyable = tickets.copyable && !tickets.offered[match[0]];
      tickets.offered[match[0]] = true;
      parent.appendChild(ticketCode(match[0], copyable));
      last = match.index + match[0].length;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  /** The distinct ticket codes named in `text`. */
  function ticketCodes(text) {
    var found = {};
    (text.match(TICKET_PATTERN) || []).forEach(function (code) {
      found[code] = true;
    });
    return Object.keys(found);
  }

  /** Append `text` to `parent` as text nodes, with http(s) links as anchors opening a new tab; with `offered`
   *  (the assistant's messages: the ticket codes given a copy button so far), ticket codes are shown as codes. */
  function appendText(parent, text, offered) {
    var last = 0;
    var match;
    var tickets = offered ? { copyable: ticketCodes(text).length === 1, offered: offered } : null;
    URL_PATTERN.lastIndex = 0;
    while ((match = URL_PATTERN.exec(text)) !== null) {
      var raw = match[0].replace(TRAILING_PUNCTUATION, "");
      var href = safeHref(raw);
      if (!href) {
        continue;
      }
      appendPlain(parent, text.slice(last, match.index), tickets);
      var link = make("a", "", raw);
      link.href = href;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      link.appendChild(make("span", "sr", TEXT.newTab));
      parent.appendChild(link);
      last = match.index + raw.length;
      URL_PATTERN.lastIndex = last;
    }
    appendPlain(parent, text.slice(last), tickets);
  }

  function Widget(config) {
    this.config = config;
    this.session = sessionId();
    this.busy = false;
    this.unread = 0;
    this.inbox = null;
    this.pollTimer = null;
    this.history = [];
    this.copyOffered = {};
    this.build();
    this.restore();
  }

  Widget.prototype.build = function () {
    var self = this;
    var host = make("div");
    host.id = "trolyso-widget";
    var shadow = host.attachShadow({ mode: "open" });
    this.attachStyle(shadow);

    var root = make("div", "tls " + this.config.position);
    root.style.setProperty("--tls-accent", this.config.color);
    root.style.setProperty("--tls-on-accent", this.config.onColor);
    this.root = root;

    var bubble = make("button", "bubble");
    bubble.type = "button";
    bubble.setAttribute("aria-label", TEXT.open);
    bubble.setAttribute("aria-expanded", "false");
    bubble.setAttribute("aria-controls", "tls-panel");
    bubble.appendChild(chatIcon());
    this.badge = bubble.appendChild(make("span", "badge"));
    this.badge.hidden = true;
    bubble.addEventListener("click", function () {
      self.toggle();
    });
    this.bubble = bubble;

    var panel = make("section", "panel");
    panel.id = "tls-panel";
    panel.hidden = true;
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-labelledby", "tls-title");
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape" || event.key === "Esc") {
        event.preventDefault();
        self.close();
      }
    });

    var head = make("div", "head");
    var title = make("h2", "", this.config.title);
    title.id = "tls-title";
    head.appendChild(title);
    head.appendChild(this.iconButton("↻", TEXT.restart, function () {
      self.restart();
    }));
    head.appendChild(this.iconButton("✕", TEXT.close, function () {
      self.close();
    }));

    var confirm = make("div", "confirm");
    confirm.hidden = true;
    confirm.setAttribute("role", "alertdialog");
    confirm.setAttribute("aria-labelledby", "tls-confirm-text");
    var ask = confirm.appendChild(make("p", "", TEXT.restartAsk));
    ask.id = "tls-confirm-text";
    var answers = confirm.appendChild(make("div", "choices"));
    var yes = answers.appendChild(make("button", "choice", TEXT.restartYes));
    yes.type = "button";
    yes.addEventListener("click", function () {
      self.answerRestart(true);
    });
    var no = answers.appendChild(make("button", "choice", TEXT.restartNo));
    no.type = "button";
    no.addEventListener("click", function () {
      self.answerRestart(false);
    });
    this.confirmBox = confirm;
    this.confirmNo = no;

    var log = make("div", "log");
    log.setAttribute("role", "log");
    log.setAttribute("aria-live", "polite");
    log.setAttribute("aria-label", this.config.title);
    this.log = log;

    var typing = make("div", "typing");
    typing.hidden = true;
    typing.setAttribute("role", "status");
    typing.appendChild(document.createTextNode(TEXT.typing));
    var dots = typing.appendChild(make("span", "dots"));
    dots.setAttribute("aria-hidden", "true");
    for (var i = 0; i < 3; i++) {
      dots.appendChild(make("span", "", "."));
    }
    this.typing = typing;

    var form = make("form", "form");
    form.setAttribute("novalidate", "");
    var label = make("label", "sr", TEXT.inputLabel);
    label.htmlFor = "tls-input";
    var input = make("input");
    input.id = "tls-input";
    input.type = "text";
    input.maxLength = MAX_TEXT;
    input.autocomplete = "off";
    input.placeholder = TEXT.placeholder;
    input.setAttribute("enterkeyhint", "send");
    var send = make("button", "send", TEXT.send);
    send.type = "submit";
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(send);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.submitInput();
    });
    send.addEventListener("keydown", function (event) {
      // after the input, Tab goes on to the buttons of the latest answer, then leaves the widget
      var choices = self.replyChoices();
      if (event.key === "Tab" && !event.shiftKey && choices.length) {
        event.preventDefault();
        choices[0].focus();
      }
    });
    this.input = input;
    this.sendButton = send;

    panel.appendChild(head);
    panel.appendChild(confirm);
    panel.appendChild(log);
    panel.appendChild(make("p", "caution", TEXT.caution));
    panel.appendChild(form);
    this.panel = panel;

    root.appendChild(panel);
    root.appendChild(bubble);
    shadow.appendChild(root);
    document.body.appendChild(host);
  };

  /** Constructable stylesheets are not inline styles, so a strict host CSP does not block them. */
  Widget.prototype.attachStyle = function (shadow) {
    if ("adoptedStyleSheets" in shadow && typeof CSSStyleSheet === "function" && CSSStyleSheet.prototype.replaceSync) {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(STYLE);
      shadow.adoptedStyleSheets = [sheet];
    } else {
      shadow.appendChild(make("style", "", STYLE));
    }
  };

  Widget.prototype.iconButton = function (symbol, label, onClick) {
    var button = make("button", "icon", symbol);
    button.type = "button";
    button.setAttribute("aria-label", label);
    button.title = label;
    button.addEventListener("click", onClick);
    return button;
  };

  Widget.prototype.isOpen = function () {
    return !this.panel.hidden;
  };

  Widget.prototype.toggle = function () {
    if (this.isOpen()) {
      this.close();
    } else {
      this.open();
    }
  };

  /** Show the panel; the input takes the focus unless `takeFocus` is false (a page reopening it). */
  Widget.prototype.open = function (takeFocus) {
    this.panel.hidden = false;
    this.root.classList.add("open");
    this.bubble.setAttribute("aria-expanded", "true");
    this.setUnread(0);
    save("sessionStorage", "open", "1");
    if (this.history.length) {
      this.scrollToEnd();
    } else {
      this.greet();  // from its first line
    }
    if (takeFocus !== false) {
      this.input.focus();
    }
  };

  Widget.prototype.close = function () {
    this.panel.hidden = true;
    this.root.classList.remove("open");
    this.bubble.setAttribute("aria-expanded", "false");
    save("sessionStorage", "open", "");
    this.bubble.focus();
  };

  Widget.prototype.setUnread = function (count) {
    this.unread = count;
    this.badge.hidden = count === 0;
    this.badge.textContent = String(count);
    this.bubble.setAttribute("aria-label", count ? TEXT.open + " (" + count + TEXT.unread + ")" : TEXT.open);
  };

  /** The greeting, with the topics and example questions the gateway offers; `restarted`: also the citizen's
   *  tickets ("Phiếu của tôi"), which a restart keeps. */
  Widget.prototype.greet = function (restarted) {
    var menu = GREETING_MENU || {};
    this.addMessage({ who: "bot", text: this.config.greeting, buttons: buttonsOf(menu.topics) });
    var examples = buttonsOf(menu.examples).concat(restarted ? buttonsOf(menu.tickets) : []);
    if (examples.length) {
      this.addMessage({ who: "bot", text: TEXT.examples, buttons: examples });
    }
    this.log.scrollTop = 0;
  };

  Widget.prototype.scrollToEnd = function () {
    this.log.scrollTop = this.log.scrollHeight;
  };

  /** Scroll so that `element` (the first line of a new answer) is at the top, or the end when all of it fits. */
  Widget.prototype.reveal = function (element) {
    if (element) {
      this.log.scrollTop = Math.max(0, element.offsetTop - 12);
    }
  };

  /** The enabled buttons of the latest answer (everything after the citizen's last message). */
  Widget.prototype.replyChoices = function () {
    var found = [];
    var nodes = this.log.children;
    for (var i = nodes.length - 1; i >= 0 && !nodes[i].classList.contains("user"); i--) {
      if (nodes[i].classList.contains("choices")) {
        found = Array.prototype.filter.call(nodes[i].querySelectorAll(".choice"), function (button) {
          return !button.disabled;
        }).concat(found);
      }
    }
    return found;
  };

  /** Tab from the latest answer's last button leaves the widget (the input, "Gửi" and the chat bubble come after
   *  the answers in the page: they are skipped for that one move). */
  Widget.prototype.choiceKey = function (event, choice) {
    var choices = this.replyChoices();
    if (event.key !== "Tab" || event.shiftKey || choices[choices.length - 1] !== choice) {
      return;
    }
    var skipped = [this.input, this.sendButton, this.bubble];
    skipped.forEach(function (element) {
      element.tabIndex = -1;
    });
    window.setTimeout(function () {
      skipped.forEach(function (element) {
        element.removeAttribute("tabindex");
      });
    }, 0);
  };

  /** Render one message: `{who: "bot"|"user"|"error", text, buttons?, later?, used?}`; return its first element. */
  Widget.prototype.render = function (item, index) {
    var self = this;
    var bubble = make("div", "msg " + item.who + (item.later ? " later" : ""));
    if (item.who === "error") {
      bubble.setAttribute("role", "alert");
    }
    if (item.later) {
      bubble.appendChild(make("span", "sr", TEXT.laterPrefix));
    }
    appendText(bubble, item.text, item.who === "bot" ? this.copyOffered : null);
    if (item.text) {
      this.log.appendChild(bubble);
    }
    var buttons = item.buttons || [];
    if (!buttons.length) {
      return item.text ? bubble : null;
    }
    var group = make("div", "choices");
    group.setAttribute("role", "group");
    buttons.forEach(function (button) {
      var choice = make("button", "choice", button.title || button.payload);
      choice.type = "button";
      choice.disabled = Boolean(item.used);
      choice.addEventListener("keydown", function (event) {
        self.choiceKey(event, choice);
      });
      choice.addEventListener("click", function (event) {
        if (self.busy) {
          return;
        }
        Array.prototype.forEach.call(group.querySelectorAll("button"), function (other) {
          other.disabled = true;
        });
        choice.setAttribute("aria-pressed", "true");
        if (event.detail === 0) {
          self.input.focus();  // pressed from the keyboard, and now disabled: keep the focus in the panel
        }
        self.markUsed(index, true);
        self.send(button.payload, button.title || button.payload).catch(function () {
          Array.prototype.forEach.call(group.querySelectorAll("button"), function (other) {
            other.disabled = false;
          });
          choice.removeAttribute("aria-pressed");
          self.markUsed(index, false);
        });
      });
      group.appendChild(choice);
    });
    this.log.appendChild(group);
    return item.text ? bubble : group;
  };

  Widget.prototype.markUsed = function (index, used) {
    if (this.history[index]) {
      this.history[index].used = used;
      this.persist();
    }
  };

  /** Show and keep one message; return its first element (null when there was nothing to show). */
  Widget.prototype.addMessage = function (item) {
    if (!item.text && !(item.buttons && item.buttons.length)) {
      return null;
    }
    this.history.push(item);
    var element = this.render(item, this.history.length - 1);
    this.persist();
    this.scrollToEnd();
    return element;
  };

  Widget.prototype.persist = function () {
    var kept = this.history.filter(function (item) {
      return item.who !== "error";
    }).slice(-HISTORY_LIMIT);
    save("sessionStorage", "history", JSON.stringify(kept));
  };

  Widget.prototype.restore = function () {
    var saved;
    try {
      saved = JSON.parse(load("sessionStorage", "history") || "[]");
    } catch (e) {
      saved = [];
    }
    var self = this;
    (Array.isArray(saved) ? saved : []).forEach(function (item) {
      if (item && typeof item.text === "string" && (item.who === "bot" || item.who === "user")) {
        self.history.push(item);
        self.render(item, self.history.length - 1);
      }
    });
    if (load("localStorage", "chatted") === "1") {
      this.startInbox();
    }
    if (load("sessionStorage", "open") === "1") {
      this.open(false);
    }
  };

  /** ↻ asks first (the citizen may have pressed it by mistake). */
  Widget.prototype.restart = function () {
    if (this.busy) {
      return;
    }
    this.confirmBox.hidden = false;
    this.confirmNo.focus();
  };

  /** Restart the conversation when confirmed: the assistant forgets it and the log is cleared, but the session
   *  stays, so the answers of tickets already sent still arrive and "phiếu của tôi" still lists them. */
  Widget.prototype.answerRestart = function (confirmed) {
    var self = this;
    this.confirmBox.hidden = true;
    if (!confirmed || this.busy) {
      this.input.focus();
      return;
    }
    this.history = [];
    this.copyOffered = {};
    this.persist();
    while (this.log.firstChild) {
      this.log.removeChild(this.log.firstChild);
    }
    this.input.value = "";
    this.setBusy(true);
    request("POST", "/api/restart", { session_id: this.session }).catch(function () {
      return null;  /* unreachable now: the conversation is forgotten when the session expires */
    }).then(function () {
      self.setBusy(false);
      self.greet(true);
      self.input.focus();
    });
  };

  /** The body of a chat request: the session, the text, and the commune the host page declares. */
  Widget.prototype.body = function (text) {
    var body = { session_id: this.session, text: text };
    if (this.config.commune) {
      body.commune = this.config.commune;
    }
    return body;
  };

  Widget.prototype.setBusy = function (busy) {
    this.busy = busy;
    this.typing.hidden = !busy;
    this.sendButton.setAttribute("aria-disabled", busy ? "true" : "false");
    if (busy) {
      this.log.appendChild(this.typing);
      this.scrollToEnd();
    }
  };

  Widget.prototype.submitInput = function () {
    if (this.busy) {
      return;
    }
    var text = this.input.value;
    if (!text.trim()) {
      this.input.focus();
      return;
    }
    this.input.value = "";
    var self = this;
    this.send(text, text).catch(function () {
      if (!self.input.value) {
        self.input.value = text;
      }
    });
  };

  /** Send `text` to the assistant, showing `shown` as the citizen's message. */
  Widget.prototype.send = function (text, shown) {
    var self = this;
    text = text.replace(/\u0000/g, "").trim();
    if (!text || this.busy) {
      return Promise.resolve();
    }
    if (text.length > MAX_TEXT) {
      this.addMessage({ who: "error", text: TEXT.tooLong });
      return Promise.reject(new Error(TEXT.tooLong));
    }
    this.addMessage({ who: "user", text: shown.trim() || text });
    this.setBusy(true);
    return request("POST", "/api/chat", this.body(text))
      .then(function (data) {
        var messages = (data && Array.isArray(data.messages)) ? data.messages : [];
        var first = null;
        if (!messages.length) {
          first = self.addMessage({ who: "bot", text: TEXT.noAnswer });
        }
        messages.forEach(function (message) {
          var element = self.addMessage(botItem(message, false));
          first = first || element;
        });
        self.reveal(first);
        save("localStorage", "chatted", "1");
        self.startInbox();
      })
      .catch(function (error) {
        self.addMessage({ who: "error", text: error.message || TEXT.server });
        throw error;
      })
      .then(function () {
        self.setBusy(false);
      }, function (error) {
        self.setBusy(false);
        throw error;
      });
  };

  /** Show a message delivered later (an answer of the community tech team), once. */
  Widget.prototype.receive = function (message) {
    if (!message || typeof message.id !== "number" || message.id <= lastSeenId()) {
      return;
    }
    save("localStorage", "last-id", String(message.id));
    this.reveal(this.addMessage(botItem(message, true)));
    if (!this.isOpen()) {
      this.setUnread(this.unread + 1);
    }
  };

  Widget.prototype.startInbox = function () {
    if (this.inbox || this.pollTimer) {
      return;
    }
    var self = this;
    if (typeof window.EventSource !== "function") {
      this.startPolling();
      return;
    }
    var source = new window.EventSource(
      ORIGIN + "/api/events?session_id=" + encodeURIComponent(this.session) + "&after=" + lastSeenId()
    );
    source.addEventListener("message", function (event) {
      try {
        self.receive(JSON.parse(event.data));
      } catch (e) {
        /* a malformed event is skipped */
      }
    });
    source.addEventListener("error", function () {
      if (source.readyState === 2 && self.inbox === source) {
        self.inbox = null;
        self.startPolling();
      }
    });
    this.inbox = source;
  };

  /** Fallback when Server-Sent Events are unavailable or refused: ask every few seconds. */
  Widget.prototype.startPolling = function () {
    var self = this;
    var session = this.session;
    function poll() {
      request("GET", "/api/messages?session_id=" + encodeURIComponent(session) + "&after=" + lastSeenId())
        .then(function (data) {
          if (session === self.session) {
            (data.messages || []).forEach(function (message) {
              self.receive(message);
            });
          }
        })
        .catch(function () {
          /* try again at the next tick */
        });
    }
    poll();
    this.pollTimer = window.setInterval(poll, POLL_INTERVAL_MS);
  };

  Widget.prototype.stopInbox = function () {
    if (this.inbox) {
      this.inbox.close();
      this.inbox = null;
    }
    if (this.pollTimer) {
      window.clearInterval(this.pollTimer);
      this.pollTimer = null;
    }
  };

  /** The well-formed buttons of a list from the server. */
  function buttonsOf(list) {
    return Array.isArray(list) ? list.filter(function (button) {
      return button && typeof button.payload === "string" && button.payload;
    }).map(function (button) {
      return { title: String(button.title || ""), payload: button.payload };
    }) : [];
  }

  function botItem(message, later) {
    return { who: "bot", text: typeof message.text === "string" ? message.text : "", buttons: buttonsOf(message.buttons),
             later: later };
  }

  /** Call the gateway; resolves with the JSON body, rejects with an Error carrying Vietnamese text. */
  function request(method, path, body) {
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = controller ? window.setTimeout(function () {
      controller.abort();
    }, REQUEST_TIMEOUT_MS) : null;
    var options = { method: method, mode: "cors", credentials: "omit", headers: {} };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    if (controller) {
      options.signal = controller.signal;
    }
    return window.fetch(ORIGIN + path, options).then(function (response) {
      window.clearTimeout(timer);
      return response.json().catch(function () {
        return null;
      }).then(function (data) {
        if (response.ok && data) {
          return data;
        }
        throw new Error(errorText(response.status, data));
      });
    }, function (error) {
      window.clearTimeout(timer);
      throw new Error(error && error.name === "AbortError" ? TEXT.timeout : TEXT.network);
    });
  }

  function errorText(status, data) {
    var reason = data && typeof data.error === "string" ? data.error : "";
    if (status === 503) {
      return reason || TEXT.busy;
    }
    if (status >= 400 && status < 500) {
      return reason || TEXT.rejected;
    }
    return TEXT.server;
  }

  function start() {
    window.TroLySoWidget = new Widget(readConfig(script));
  }

  window.TroLySoWidget = true;
  if (document.body) {
    start();
  } else {
    document.addEventListener("DOMContentLoaded", start);
  }
})();
