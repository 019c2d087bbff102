// Trợ lý số — dashboard. The only script: the live count of new tickets for a team member.
// It asks the server every few seconds how many tickets wait for the team, shows the count in the menu and in
// the page title, and on the queue page says when new tickets have arrived. The pages work without it.
(function () {
  "use strict";
  var badge = document.getElementById("live-count");
  if (!badge || !window.fetch) { return; }
  var url = badge.getAttribute("data-url");
  var every = Number(badge.getAttribute("data-every")) * 1000 || 20000;
  var shown = Number(badge.getAttribute("data-count")) || 0;
  var baseTitle = document.title.replace(/^\(\d+\)\s*/, "");
  var fresh = document.getElementById("new-tickets");

  function show(count) {
    badge.textContent = count > 0 ? String(count) : "";
    badge.hidden = count === 0;
    document.title = (count > 0 ? "(" + count + ") " : "") + baseTitle;
    if (fresh && count > shown) {
      fresh.hidden = false;
      fresh.querySelector("span").textContent = String(count - shown);
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) { if (body && typeof body.open === "number") { show(body.open); } })
      .catch(function () { /* offline for a moment: the next poll tries again */ })
      .then(function () { window.setTimeout(poll, every); });
  }

  window.setTimeout(poll, every);
}());
