"""Vocabulary of the demo organisation (bot/demo/province.py): Vietnamese names and places.

Family-name weights follow the commonly cited shares (Nguyễn ≈ 38%, Trần ≈ 11%, Lê ≈ 9.5%,
…); middle and given names are the frequent ones for people born 1950-2000, the ages of
most party members. All invented combinations: no real person is meant.
"""

from __future__ import annotations

# (name, weight): the weights are per mille, roughly.
FAMILY: tuple[tuple[str, int], ...] = (
    ("Nguyễn", 380),
    ("Trần", 110),
    ("Lê", 95),
    ("Phạm", 70),
    ("Hoàng", 32),
    ("Huỳnh", 20),
    ("Phan", 45),
    ("Vũ", 22),
    ("Võ", 17),
    ("Đặng", 21),
    ("Bùi", 20),
    ("Đỗ", 14),
    ("Hồ", 13),
    ("Ngô", 13),
    ("Dương", 10),
    ("Lý", 5),
    ("Đinh", 6),
    ("Trịnh", 5),
    ("Đoàn", 5),
    ("Lương", 4),
    ("Mai", 4),
    ("Trương", 5),
    ("Lâm", 3),
    ("Cao", 3),
    ("Tạ", 2),
    ("Hà", 3),
    ("Quách", 1),
    ("Tôn Thất", 1),  # compound family names (L4): the full name is what is kept
    ("Âu Dương", 1),
)

MIDDLE_MALE: tuple[tuple[str, int], ...] = (
    ("Văn", 400),
    ("Đức", 80),
    ("Minh", 80),
    ("Quang", 60),
    ("Hữu", 60),
    ("Công", 50),
    ("Thanh", 50),
    ("Xuân", 40),
    ("Ngọc", 40),
    ("Đình", 40),
    ("Mạnh", 20),
    ("Trọng", 20),
    ("Tiến", 15),
    ("Quốc", 25),
    ("Bá", 10),
    ("Văn Minh", 5),
    ("Hoàng Anh", 5),
)

MIDDLE_FEMALE: tuple[tuple[str, int], ...] = (
    ("Thị", 550),
    ("Ngọc", 70),
    ("Thu", 60),
    ("Thanh", 50),
    ("Minh", 40),
    ("Kim", 40),
    ("Hồng", 40),
    ("Thùy", 30),
    ("Bích", 20),
    ("Mỹ", 20),
    ("Thị Thu", 15),
    ("Thị Thanh", 15),
    ("Ngọc Bảo", 5),
)

GIVEN_MALE: tuple[tuple[str, int], ...] = (
    ("Hùng", 50),
    ("Dũng", 45),
    ("Tuấn", 45),
    ("Minh", 40),
    ("Thắng", 35),
    ("Hải", 35),
    ("Nam", 35),
    ("Sơn", 35),
    ("Long", 30),
    ("Quân", 25),
    ("Cường", 30),
    ("Bình", 30),
    ("Thành", 35),
    ("Trung", 30),
    ("Hưng", 25),
    ("Đạt", 25),
    ("Phong", 20),
    ("Tâm", 20),
    ("Lâm", 15),
    ("Khoa", 15),
    ("Huy", 25),
    ("Tùng", 20),
    ("Toàn", 15),
    ("Việt", 15),
    ("Phúc", 15),
    ("Hòa", 20),
    ("Thịnh", 15),
    ("Quang", 15),
    ("Đông", 10),
    ("Kiên", 10),
    ("Lộc", 10),
    ("Nghĩa", 15),
    ("Tài", 10),
    ("Vinh", 15),
    ("Thuận", 10),
    ("Sang", 5),
    ("Ánh", 5),
    ("Yên", 3),
)

GIVEN_FEMALE: tuple[tuple[str, int], ...] = (
    ("Hương", 50),
    ("Lan", 45),
    ("Hoa", 40),
    ("Hằng", 40),
    ("Linh", 35),
    ("Trang", 35),
    ("Thảo", 35),
    ("Hà", 35),
    ("Mai", 35),
    ("Nga", 30),
    ("Thủy", 30),
    ("Huyền", 30),
    ("Phương", 30),
    ("Loan", 25),
    ("Nhung", 25),
    ("Hạnh", 25),
    ("Dung", 25),
    ("Yến", 25),
    ("Oanh", 20),
    ("Vân", 20),
    ("Tuyết", 15),
    ("Thu", 15),
    ("Hòa", 15),
    ("Liên", 15),
    ("Ngọc", 15),
    ("Quỳnh", 15),
    ("Giang", 15),
    ("Chi", 15),
    ("Anh", 20),
    ("Bích", 10),
    ("Diệp", 5),
    ("Ánh", 10),
    ("Trâm", 10),
    ("Xuân", 10),
    ("Uyên", 10),
)

# Commune and ward names are two of these syllables ("Tân Lợi", "Hòa Phước"), as many are.
PLACE_FIRST = (
    "Tân", "Bình", "Hòa", "Phú", "An", "Long", "Thạnh", "Phước", "Xuân", "Đông",
    "Tây", "Nam", "Bắc", "Vĩnh", "Quảng", "Hưng", "Thanh", "Mỹ", "Hiệp", "Thuận",
)  # fmt: skip
PLACE_SECOND = (
    "Lợi", "Hòa", "Phú", "Thạnh", "An", "Bình", "Hưng", "Thành", "Lộc", "Phước",
    "Mỹ", "Tiến", "Sơn", "Hải", "Lâm", "Trung", "Đông", "Khánh",
)  # fmt: skip

# Village names for a commune's residential cells ("Chi bộ Thôn Đông Hòa").
HAMLETS = (
    "Đông", "Tây", "Nam", "Bắc", "Trung", "Thượng", "Hạ", "Tân Lập", "Tân Hòa", "Phú Mỹ",
    "An Bình", "Đồng Tâm", "Quyết Tiến", "Thống Nhất", "Hòa Bình", "Đoàn Kết", "Phú Xuân",
    "Bình Minh", "Yên Thịnh", "Lạc Long", "Cẩm Văn", "Mỹ Lộc", "Vân Đồn", "Ải Bắc",
)  # fmt: skip

COMPANIES = (
    "Công ty TNHH May mặc Hòa Thịnh", "Công ty Cổ phần Xây dựng Miền Trung",
    "Công ty TNHH Thủy sản Biển Đông", "Công ty Cổ phần Gạch Tuynel Phú Mỹ",
    "Công ty TNHH Cơ khí Tân Tiến", "Công ty Cổ phần Dược phẩm An Khang",
)  # fmt: skip

STATE_ENTERPRISES = ("Điện lực", "Cấp nước", "Bưu điện", "Ngân hàng Nông nghiệp chi nhánh")

THEMES = (
    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "Nâng cao chất lượng sinh hoạt chi bộ",
    "Xây dựng khu dân cư văn hóa, văn minh đô thị",
    "Chuyển đổi số trong công tác xây dựng Đảng",
    "Phòng, chống suy thoái tư tưởng chính trị, đạo đức, lối sống",
    "Công tác phát triển đảng viên ở khu dân cư",
    "Bảo vệ môi trường và phòng, chống thiên tai",
    "Thực hiện quy chế dân chủ ở cơ sở",
)

EXCUSES = (
    "Ốm",
    "Đi công tác",
    "Việc gia đình",
    "Đi làm ăn xa",
    "Nằm viện",
    "Đám cưới con",
    "Trực cơ quan",
    "Chăm người nhà ốm",
)

ZERO_REASONS = (
    "Mưa bão, ngập lụt kéo dài",
    "Bí thư ốm nặng, chưa phân công người chủ trì",
    "Chi bộ đang kiện toàn sau sáp nhập",
    "Dịch bệnh, địa phương hạn chế tụ tập",
)
