"""Translatable names for the domain's enums (marked with N_, translated where shown)."""

from __future__ import annotations

from collections.abc import Callable

from bot.domain.meeting_rules import Grade
from bot.domain.model import CellType, MemberStatus, OrgKind, Role
from bot.domain.words import N_, Problem

STATUS = {
    MemberStatus.OFFICIAL: N_("official"),
    MemberStatus.PROBATIONARY: N_("probationary"),
    MemberStatus.EXEMPTED: N_("exempted from Party work and meetings"),
    MemberStatus.TEMP_ELSEWHERE: N_("temporarily attends another cell"),
    MemberStatus.GUEST: N_("guest member from another cell"),
    MemberStatus.SUSPENDED: N_("suspended"),
    MemberStatus.TRANSFERRED: N_("transferred out"),
    MemberStatus.STRUCK_OFF: N_("struck off"),
    MemberStatus.EXPELLED: N_("expelled"),
    MemberStatus.DECEASED: N_("deceased"),
}

# Short forms for buttons and lists.
STATUS_SHORT = {
    MemberStatus.OFFICIAL: N_("official"),
    MemberStatus.PROBATIONARY: N_("probationary"),
    MemberStatus.EXEMPTED: N_("exempted"),
    MemberStatus.TEMP_ELSEWHERE: N_("elsewhere"),
    MemberStatus.GUEST: N_("guest"),
    MemberStatus.SUSPENDED: N_("suspended"),
    MemberStatus.TRANSFERRED: N_("transferred"),
    MemberStatus.STRUCK_OFF: N_("struck off"),
    MemberStatus.EXPELLED: N_("expelled"),
    MemberStatus.DECEASED: N_("deceased"),
}

CELL_TYPE = {
    CellType.RESIDENTIAL: N_("residential"),
    CellType.AGENCY: N_("state agency"),
    CellType.PUBLIC_SERVICE: N_("public service unit"),
    CellType.STATE_ENTERPRISE: N_("state enterprise"),
    CellType.PRIVATE_ENTERPRISE: N_("non-state enterprise"),
    CellType.STUDENTS: N_("students"),
    CellType.ARMED_FORCES: N_("armed forces"),
    CellType.OTHER: N_("other"),
}

# M9: a meeting's grade.
GRADE = {
    Grade.TOT: N_("Good (Tốt)"),
    Grade.KHA: N_("Fair (Khá)"),
    Grade.TRUNG_BINH: N_("Average (Trung bình)"),
    Grade.KEM: N_("Poor (Kém)"),
}

ORG_KIND = {
    OrgKind.PROVINCE: N_("province committee"),
    OrgKind.DISTRICT: N_("district committee"),
    OrgKind.COMMUNE: N_("commune/ward committee"),
    OrgKind.GRASSROOTS: N_("grassroots organisation"),
    OrgKind.CELL: N_("cell"),
    OrgKind.PARTY_GROUP: N_("party group"),
}

ROLE = {
    Role.ADMIN: N_("admin"),
    Role.SECRETARY: N_("secretary"),
    Role.DEPUTY: N_("deputy secretary"),
    Role.DELEGATE: N_("delegate for meetings"),
}

# Import problems (bot.intake.roster_import / bot.intake.org_import PROBLEM_CODES), as the user reads them.
PROBLEMS = {
    "empty_file": N_("the file or text contains nothing to import"),
    "unsupported_file": N_(
        "only CSV and Excel (.xlsx, .xls) files can be read; please save the sheet as .xlsx"
    ),
    "unreadable_file": N_("the file is damaged or is not what its name says ({name})"),
    "file_too_large": N_("the file is too large (at most {limit} MB)"),
    "file_too_large_unpacked": N_(
        "the file is too large once unpacked (at most {limit} MB of data); "
        "please send only the member list"
    ),
    "file_overpacked": N_(
        "a part of the file unpacks to more than {ratio} times its size, which a real "
        "spreadsheet never does; please open it in Excel, save it again and send it"
    ),
    "file_too_slow": N_(
        "reading the file took more than {seconds} seconds, far longer than a member list "
        "needs; please send only the list"
    ),
    "cell_too_long": N_(
        'a cell is longer than {limit} kB, usually because a quotation mark (") is not '
        "closed; please check the file"
    ),
    "no_header": N_("no header row with a name column (e.g. “Họ và tên”) was found"),
    "no_data_rows": N_("the header is on row {row} but no members follow it"),
    "too_many_rows": N_("the file has more than {limit} rows"),
    "empty_name": N_("no name"),
    "name_too_long": N_("the name is longer than {limit} characters"),
    "bad_name": N_("the name “{name}” contains digits or symbols"),
    # #15: most often a roster typed with the old .VnTime/VNI fonts that was not recognised.
    "foreign_letters": N_(
        "the name “{name}” has letters that are not Vietnamese ({letters}); if the file was "
        "typed with .VnTime or VNI-Times fonts, please convert it to Unicode and send it again"
    ),
    "bad_org_name": N_(
        "the name “{name}” may contain only letters, digits, spaces and . , - ( ) / & ' \" "
        "and must begin with a letter or a digit"
    ),
    "bad_date": N_("cannot read the date “{value}”; please write it like 03/02/2026"),
    "future_date": N_("the date {value} is in the future"),
    "official_before_admission": N_("official from {official}, before admission on {admitted}"),
    "status_before_admission": N_("{status} from {date}, before admission on {admitted}"),
    "end_before_start": N_("the status ends on {end}, before it starts on {start}"),
    "status_conflict": N_("marked probationary but also official ({official})"),
    "unknown_status": N_("unknown status “{value}”; write e.g. Chính thức or Dự bị"),
    "duplicate_in_file": N_("{name} is already on row {first_row}"),
    "admitted_under_18": N_("admitted on {admitted} at age {age}, under 18"),
    "admitted_before_birth": N_("admitted on {admitted}, before the birth date {born}"),
    "bad_birth_date": N_("cannot read the birth date “{value}” (not checked)"),
    "probation_overdue": N_("probationary since {admitted}, more than 12 months (due {due})"),
    "exempt_no_date": N_(
        "exempted, no date given: counted from {date} for now (can be changed later)"
    ),
    "status_no_date": N_(
        "{status}, no date given: counted from {date} for now (can be changed later)"
    ),
    "similar_name_in_file": N_("{name} on row {row} differs only in accents: please check both"),
    "note_ignored": N_("the text “{text}” after the name was not understood and was ignored"),
    "empty_parent": N_("the row does not say which organisation the cell belongs to"),
    "unknown_cell_type": N_("unknown cell type “{value}”"),
    "unknown_org_kind": N_("unknown kind of organisation “{value}”"),
    "bad_meeting_day": N_("the meeting day “{value}” must be 1-28 or “cuối tháng”"),
    "bad_time": N_("cannot read the time “{value}”; write it like 19:30"),
    "bad_start_date": N_(
        "cannot read the start date “{value}”; write it like 15/07/2026 or 07/2026, not in "
        "the future"
    ),
}


def problem_text(gettext: Callable[[str], str], problem: Problem) -> str:
    """An import problem as the user reads it (a fragment: no capital, no full stop); a
    status parameter is translated too. Shared by the bot and the CLI."""
    template = PROBLEMS.get(problem.code)
    if template is None:
        return problem.code
    params = dict(problem.params)
    if params.get("status") in MemberStatus.__members__.values():
        params["status"] = gettext(STATUS_SHORT[MemberStatus(params["status"])])
    try:
        return gettext(template).format(**params)
    except (KeyError, IndexError):
        return gettext(template)
