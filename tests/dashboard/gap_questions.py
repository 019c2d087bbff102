"""Citizen-style questions the knowledge base does not cover, grouped by the need behind them.

Written for these tests: with and without diacritics, with typos and abbreviations, as people type on phones.
Each group is one need; the clustering of the FAQ-gap page should keep a group together and groups apart.
"""

from __future__ import annotations

GAP_GROUPS: dict[str, list[str]] = {
    "so_do": [
        "làm sổ đỏ online được không",
        "cấp đổi giấy chứng nhận quyền sử dụng đất trên mạng thế nào",
        "so do bi rach muon cap lai tren dich vu cong co dc ko",
        "xin cấp lại sổ đỏ bị mất có nộp hồ sơ qua mạng được không ạ",
        "cap doi so do online o dau vay",
        "thủ tục cấp lại giấy chứng nhận quyền sử dụng đất trực tuyến",
    ],
    "chu_ky_so": [
        "chữ ký số cá nhân đăng ký ở đâu",
        "chu ky so ca nhan dang ky o dau a",
        "muốn có chữ ký số cá nhân thì làm thế nào",
        "dang ky chu ky so cho ca nhan mat bao nhieu tien",
        "làm chữ ký số cá nhân ở đâu, có mất phí không",
    ],
    "ho_tro_bao_lu": [
        "tiền hỗ trợ bão lũ có được chuyển vào tài khoản ngân hàng không",
        "nhan tien ho tro bao lu qua tai khoan ngan hang duoc ko",
        "tiền hỗ trợ thiệt hại do bão có chuyển khoản không hay phải lên xã nhận",
        "ho tro bao lu co chuyen khoan ko a",
        "tiền hỗ trợ lũ lụt nhận qua ngân hàng được không",
    ],
    "dat_lich_kham": [
        "đặt lịch khám bệnh ở bệnh viện tỉnh qua điện thoại được không",
        "dat lich kham benh vien tinh online the nao",
        "lấy số khám bệnh trước qua mạng ở bệnh viện tỉnh",
        "dat lich kham truoc o benh vien tinh de khoi xep hang",
        "bệnh viện tỉnh có cho đặt lịch khám online không",
    ],
    "tiem_chung": [
        "xem lịch tiêm chủng của cháu trên điện thoại ở đâu",
        "so tiem chung dien tu cua tre xem o dau",
        "tra cứu sổ tiêm chủng điện tử cho con",
        "xem lich tiem chung cua con tren dien thoai",
        "sổ tiêm chủng điện tử của trẻ xem ở đâu ạ",
    ],
    "dien_thoai_cu": [
        "điện thoại đời cũ không cài được VNeID thì phải làm sao",
        "dt cu ko cai dc vneid phai lam sao",
        "máy cũ quá không tải được ứng dụng VNeID",
        "may dien thoai doi cu khong cai duoc vneid",
        "điện thoại cũ không tải được vneid thì làm thế nào",
    ],
    "ban_rau": [
        "rau nhà trồng chưa có OCOP có bán được trên sàn không",
        "rau chua co ocop co ban tren san duoc ko",
        "sản phẩm chưa được công nhận OCOP có đưa lên Postmart được không",
        "nong san chua co ocop co ban tren postmart dc khong",
        "chưa có chứng nhận ocop thì có bán online trên sàn được không",
    ],
    "lai_xe_het_han": [
        "bằng lái xe máy hết hạn có phải đổi không",
        "bang lai xe may co thoi han khong",
        "giấy phép lái xe hạng A1 có phải đổi định kỳ không",
        "bang A1 het han chua",
        "bằng lái xe máy cũ có phải đổi sang thẻ nhựa không",
    ],
}

SINGLE_QUESTIONS: list[str] = [
    "trạm sạc xe điện gần nhất ở đâu",
    "xã mình có lớp học tin học cho người già không",
    "cach chan cuoc goi quang cao lam phien",
    "mua vé tàu hỏa online thanh toán bằng thẻ được không",
    "đăng ký học lái xe ô tô ở đâu rẻ",
    "lam the nao de xem tivi tren dien thoai",
]
