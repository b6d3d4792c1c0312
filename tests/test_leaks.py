"""Leak audit (TC-REGISTRY-LOG-001). Fake tokens are built at run time, never written in the source."""

from __future__ import annotations

import base64
import json
import random
import secrets
import string
from urllib.parse import quote, quote_plus

import pytest

from tests.kaniko_samples import NODE_APP, Build, Variant, kaniko_log, write_log
from wizard.core.leaks import KINDS, MIN_SECRET_LENGTH, Leak, LeakScanner, find_leaks, redact, scan_file
from wizard.core.terminal import HIDDEN, Rendered, Stripped, strip_escapes

ALNUM = string.ascii_letters + string.digits


def fake_token(prefix: str = "ghp_", n: int = 36, alphabet: str = ALNUM) -> str:
    return prefix + "".join(secrets.choice(alphabet) for _ in range(n))


def assert_no_value(leaks: list[Leak], *values: str) -> None:
    dumped = json.dumps([leak.to_json() for leak in leaks]) + "".join(leak.describe() for leak in leaks)
    for value in values:
        assert value not in dumped
        assert value[4:] not in dumped


def test_secret_as_is_with_line_and_column() -> None:
    pat = fake_token()
    leaks = find_leaks(f"step 1\nlogin with {pat} ok\n", [pat])
    assert [(x.kind, x.line, x.column, x.secret_index) for x in leaks] == [("secret-value", 2, 12, 0)]
    assert leaks[0].preview == "***"
    assert_no_value(leaks, pat)


@pytest.mark.parametrize("encode", [base64.b64encode, base64.urlsafe_b64encode], ids=["std", "urlsafe"])
@pytest.mark.parametrize("secret", ["s3cr?t>>>value~~~", "abcd", "pw-12345", "a" * 40 + "?>"])
def test_secret_base64(encode, secret: str) -> None:
    encoded = encode(secret.encode()).decode()
    leaks = find_leaks([f"echo {encoded}", f"echo {encoded.rstrip('=')}\n"], ["xxxx-unrelated", secret])
    assert leaks and all(x.kind == "secret-base64" and x.secret_index == 1 for x in leaks)
    assert leaks[0].line == 1


def test_base64_of_secret_inside_a_longer_blob() -> None:
    # e.g. a printed ~/.docker/config.json: "auth" is base64("user:token"), the token at an odd byte offset.
    pat = fake_token()
    for user in ("u", "ab", "abc"):
        auth = base64.b64encode(f"{user}:{pat}".encode()).decode()
        leaks = find_leaks(['{"auths":{"ghcr.io":{"auth":"' + auth + '"}}}'], [pat])
        assert [x.kind for x in leaks] == ["secret-base64"], user


def test_base64_with_trailing_newline_like_echo_pipe_base64() -> None:
    pat = fake_token()
    leaks = find_leaks([base64.b64encode((pat + "\n").encode()).decode()], [pat])
    assert [x.kind for x in leaks] == ["secret-base64"]


@pytest.mark.parametrize("encode", [lambda s: quote(s, safe=""), quote_plus, lambda s: quote(s, safe="").replace("%2F", "%2f")])
def test_secret_urlencoded(encode) -> None:
    secret = "p@ss w/rd+1"
    leaks = find_leaks([f"https://registry/?password={encode(secret)}&x=1"], [secret])
    assert [x.kind for x in leaks] == ["secret-urlencoded"]


@pytest.mark.parametrize("prefix", ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"])
def test_classic_token_shapes(prefix: str) -> None:
    token = fake_token(prefix)
    leaks = find_leaks([f"Authorization: token {token}"], [])
    assert [(x.kind, x.preview, x.secret_index) for x in leaks] == [("token-shape", prefix + "…", None)]
    assert_no_value(leaks, token)


def test_fine_grained_token_shape() -> None:
    token = fake_token("github_pat_", 82, ALNUM + "_")
    leaks = find_leaks([f"GH_TOKEN={token}"], [])
    assert [(x.kind, x.preview, x.column) for x in leaks] == [("token-shape", "github_pat_…", 10)]


@pytest.mark.parametrize(
    "text",
    [
        "ghp_" + "a" * 35,  # one short
        "xghp_" + "a" * 36,  # part of a longer word
        "github_pat_" + "a" * 81,
        "the ghost_ of ghp_ past",
        "ghp_*** (masked by GitHub)",
    ],
)
def test_not_token_shapes(text: str) -> None:
    assert find_leaks([text], []) == []


def test_known_secret_with_token_shape_is_reported_once() -> None:
    pat = fake_token()
    leaks = find_leaks([f"x {pat}"], [pat])
    assert [x.kind for x in leaks] == ["secret-value"]


def test_short_secrets_are_not_searched_and_a_note_says_so() -> None:
    assert MIN_SECRET_LENGTH == 4
    assert find_leaks(["abc is everywhere: abc abc"], ["abc", "", None]) == []
    scanner = LeakScanner(["abc", "long-enough"])
    assert len(scanner.notes) == 1 and "1 secret(s) shorter than 4" in scanner.notes[0]
    assert LeakScanner(["long-enough"]).notes == []


def test_one_finding_per_secret_and_line_most_direct_form_first() -> None:
    secret = "hunter2-hunter2"
    line = f"{secret} {base64.b64encode(secret.encode()).decode()}"
    leaks = find_leaks([line, line], [secret])
    assert [(x.kind, x.line) for x in leaks] == [("secret-value", 1), ("secret-value", 2)]


def test_multiline_secret_is_found_by_its_lines() -> None:
    key = "-----BEGIN KEY-----\n" + "Q" * 20 + secrets.token_hex(16) + "\n-----END KEY-----"
    leaks = find_leaks(["noise", key.splitlines()[1]], [key])
    assert [(x.kind, x.line) for x in leaks] == [("secret-value", 2)]


def test_clean_kaniko_logs_have_no_findings() -> None:
    pat = fake_token()
    for variant in (Variant(ci_timestamps=True, debug=True), Variant(fmt="json"), Variant(fmt="text")):
        assert find_leaks(kaniko_log(Build(stages=(NODE_APP,)), variant), [pat, "hunter2-hunter2"]) == []


def test_scan_file_streams_a_log(tmp_path) -> None:
    pat = fake_token("ghs_")
    path = tmp_path / "job.log"
    write_log(path, Build(stages=(NODE_APP,), output_lines=2000), Variant(ci_timestamps=True))
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(f"2025-01-05T18:30:00.0000000Z docker login -p {pat}\n")
        fh.write(f"2025-01-05T18:30:00.0000001Z {base64.b64encode(pat.encode()).decode()}\n")
    total = sum(1 for _ in open(path, encoding="utf-8"))
    leaks = scan_file(path, [pat])
    assert [(x.kind, x.line) for x in leaks] == [("secret-value", total - 1), ("secret-base64", total)]
    assert all(x.kind in KINDS for x in leaks)
    assert_no_value(leaks, pat)


def test_redact_masks_every_form() -> None:
    pat = fake_token()
    other = fake_token("gho_")
    text = f"a {pat} b {quote(pat)} c {base64.b64encode(pat.encode()).decode()} d {other}"
    out = redact(text, [pat])
    assert pat not in out and other not in out and pat[4:20] not in out
    assert out.startswith("a *** b *** c ***")


# -- escape sequences and carriage returns: the line as a terminal shows it ----------------------------------------
STAMP = "2026-01-05T09:00:01.1234567Z "


def split(value: str, at: int, sequence: str) -> str:
    return value[:at] + sequence + value[at:]


def found(leaks: list[Leak]) -> list[tuple[str, int, int | None, str]]:
    return [(x.kind, x.column, x.secret_index, x.view) for x in leaks]


@pytest.mark.parametrize(
    "sequence",
    [
        "\x1b[31m",  # colour
        "\x1b[0m\x1b[1;4m",  # reset, then bold underline
        "\x1b[38;2;255;0;0m",  # CSI with many parameters (24-bit colour)
        "\x1b[2K",  # erase the line
        "\x1b[?25l",  # private parameter: hide the cursor
        "\x9b1m",  # the one-byte CSI
        "\x1b]0;a title\x07",  # OSC window title, ended by BEL
        "\x1b]8;;https://example.invalid/\x1b\\",  # OSC hyperlink, ended by ST
        "\x1bPq#0;2;0;0;0\x1b\\",  # DCS string
        "\x1b(B",  # charset designation
        "\u202e",  # a bidirectional override
        "\x00\x08",  # controls a terminal does not show
    ],
    ids=[
        "sgr",
        "sgr-two",
        "csi-rgb",
        "csi-erase",
        "csi-private",
        "c1-csi",
        "osc-title",
        "osc-link",
        "dcs",
        "esc-charset",
        "bidi",
        "controls",
    ],
)
def test_escape_sequence_inside_a_secret(sequence: str) -> None:
    secret = "s3cr3t-" + secrets.token_hex(12)
    prefix = f"{STAMP}echo "
    leaks = find_leaks([prefix + split(secret, 9, sequence)], ["unrelated-value", secret])
    assert found(leaks) == [("secret-value", len(prefix) + 1, 1, "stripped")]  # the column of its first character
    assert_no_value(leaks, secret)


def test_colour_codes_inside_a_token_shape() -> None:
    token = fake_token()
    line = f"{STAMP}GH_TOKEN=\x1b[33m{token[:4]}\x1b[0m{token[4:20]}\x1b[1m{token[20:]}\x1b[0m done"
    leaks = find_leaks([line], [])
    assert found(leaks) == [("token-shape", line.index(token[:4]) + 1, None, "stripped")]
    assert leaks[0].preview == "ghp_…"
    assert_no_value(leaks, token)


def test_colour_codes_around_and_inside_base64_of_a_secret() -> None:
    pat = fake_token("ghs_")
    encoded = base64.b64encode(f"x-access-token:{pat}".encode()).decode()
    around = f"auth \x1b[32m{encoded}\x1b[0m"  # whole between the codes: found as logged
    inside = f"auth \x1b[32m{split(encoded, 24, chr(27) + '[0m' + chr(27) + '[32m')}\x1b[0m"
    leaks = find_leaks([around, inside], [pat])
    assert [(x.kind, x.line, x.view) for x in leaks] == [("secret-base64", 1, "raw"), ("secret-base64", 2, "stripped")]
    assert_no_value(leaks, pat)


def test_colour_codes_inside_a_urlencoded_secret() -> None:
    secret = "p@ss w/rd+" + secrets.token_hex(4)
    encoded = quote(secret, safe="")
    leaks = find_leaks([f"url ?password={split(encoded, 4, chr(27) + '[4m')}&x=1"], [secret])
    assert [(x.kind, x.view) for x in leaks] == [("secret-urlencoded", "stripped")]


def test_carriage_return_redraw_shows_a_secret_no_raw_text_holds() -> None:
    # The build prints the end of the value, then returns to the line's start and prints its beginning over the
    # mask: neither part is the secret, the screen shows it whole. GitHub's timestamp is not on the screen.
    secret = "s3cr3t-" + secrets.token_hex(12)
    line = f"{STAMP}pw: {'*' * 9}{secret[9:]}\rpw: \x1b[1m{secret[:9]}\x1b[0m\n"
    leaks = find_leaks([line], [secret])
    assert found(leaks) == [("secret-value", line.index(secret[:9]) + 1, 0, "rendered")]
    assert "as a terminal shows the line" in leaks[0].describe()
    assert_no_value(leaks, secret)


def test_carriage_return_redraw_of_a_token_shape() -> None:
    token = fake_token("gho_")
    leaks = find_leaks([f"{STAMP}Authorization: token {'#' * 20}{token[20:]}\rAuthorization: token {token[:20]}"], [])
    assert [(x.kind, x.preview, x.view) for x in leaks] == [("token-shape", "gho_…", "rendered")]
    assert_no_value(leaks, token)


def test_a_progress_bar_redrawn_over_itself_is_not_a_finding() -> None:
    pat = fake_token()
    bar = "".join(f"\rDownloading [{'=' * k}{' ' * (10 - k)}] {k * 10}%\x1b[K" for k in range(11))
    assert find_leaks([STAMP + bar, f"{STAMP}\x1b[36mINFO\x1b[0m[0000] Pushed image"], [pat, "hunter2-hunter2"]) == []


def test_a_finding_counts_once_in_whichever_view_and_in_the_raw_view_first() -> None:
    secret = "s3cr3t-" + secrets.token_hex(12)
    token = fake_token()
    both = f"{split(secret, 5, chr(27) + '[31m')} and {secret}\x1b[0m"  # split first, then whole
    leaks = find_leaks([both, f"\x1b[1m{token}\x1b[0m", f"{token}\x1b[0mmore"], [secret])
    assert found(leaks) == [
        ("secret-value", both.index(secret, 10) + 1, 0, "raw"),  # the whole one, where it is
        # Right after a colour code the raw line shows no token (the code's "m" looks like part of a longer word).
        ("token-shape", 5, None, "stripped"),
        ("token-shape", 1, None, "raw"),  # found again, longer, once the code is gone: one finding
    ]


def test_a_secret_holding_a_control_character_is_still_found_as_logged() -> None:
    secret = "abc\x01" + secrets.token_hex(8)
    leaks = find_leaks([f"\x1b[1m{secret}\x1b[0m"], [secret])
    assert found(leaks) == [("secret-value", 5, 0, "raw")]


def test_escape_findings_are_value_free_and_json_says_the_view() -> None:
    secret = "s3cr3t-" + secrets.token_hex(12)
    leaks = find_leaks([split(secret, 3, "\x1b[31m")], [secret])
    assert leaks[0].to_json() == {"kind": "secret-value", "line": 1, "column": 1, "preview": "***", "secret_index": 0, "view": "stripped"}
    assert leaks[0].describe() == "line 1: secret #1 appears (secret-value, once escape sequences are removed)"
    assert_no_value(leaks, secret)


def test_scan_file_finds_a_split_token_in_a_coloured_kaniko_log(tmp_path) -> None:
    pat = fake_token()
    path = tmp_path / "job.log"
    write_log(path, Build(stages=(NODE_APP,), output_lines=500), Variant(ci_timestamps=True))
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(f"{STAMP}\x1b[36mINFO\x1b[0m[0001] docker login -p {split(pat, 12, chr(27) + '[0m')}\r\n")
    leaks = scan_file(path, [pat])
    assert [(x.kind, x.view) for x in leaks] == [("secret-value", "stripped")]


def test_stripped_text_and_raw_offsets() -> None:
    raw = "a\x1b[31mbc\x1b]0;t\x07d\u202ee\x1b[0m"
    stripped = Stripped(raw)
    assert stripped.text == "abcde" == strip_escapes(raw)
    assert [raw[stripped.raw_offset(i)] for i in range(5)] == list("abcde")
    rendered = Rendered("xxxxyz\r\x1b[1mab\x1b[0m")
    assert rendered.text == "abxxyz"
    assert [rendered.raw_offset(i) for i in (0, 1, 2)] == [11, 12, 2]
    three = Rendered("abcdef\rxy\rz")
    assert three.text == "zycdef" and [three.raw_offset(i) for i in (0, 1, 2)] == [10, 8, 2]


def test_colour_fast_path_removes_what_the_full_pattern_removes() -> None:
    # Stripped takes a shortcut for lines whose only escapes are colour codes: it must agree with the full pattern.
    rng = random.Random(7)
    alphabet = ["\x1b", "[", "]", "0", "3", ";", "m", "?", "a", "Z", " ", "\x07", "\\", "\t", "\r", "\x9b", "P", "K"]
    for _ in range(20000):
        raw = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert Stripped(raw).text == HIDDEN.sub("", raw), repr(raw)
