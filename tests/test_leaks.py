"""Leak audit (TC-REGISTRY-LOG-001). Fake tokens are built at run time, never written in the source."""

from __future__ import annotations

import base64
import json
import secrets
import string
from urllib.parse import quote, quote_plus

import pytest

from tests.kaniko_samples import NODE_APP, Build, Variant, kaniko_log, write_log
from wizard.core.leaks import KINDS, MIN_SECRET_LENGTH, Leak, LeakScanner, find_leaks, redact, scan_file

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
