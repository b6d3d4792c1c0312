"""Naming: the issue's examples, the error messages, and hypothesis fuzzing against the distribution grammar."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.core.naming import (
    Named,
    NamingError,
    cache_repo_for,
    destinations,
    image_reference,
    normalise_tags,
    slugify_service,
    validate_repository,
    validate_service,
)
from wizard.errors import InputError

# An independent statement of the grammar (github.com/distribution/reference, reference.go), written out here
# rather than imported, so that a mistake in the module's regexes cannot hide itself.
ALNUM = "[a-z0-9]+"
SEP = "(?:[._]|__|-+)"
COMPONENT = f"{ALNUM}(?:{SEP}{ALNUM})*"
LABEL = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
HOST = rf"(?:{LABEL}(?:\.{LABEL})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?"
COMPONENT_RE = re.compile(COMPONENT, re.ASCII)
REPOSITORY_RE = re.compile(rf"{HOST}/{COMPONENT}(?:/{COMPONENT})*", re.ASCII)
TAG_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")


def is_valid_repository(ref: str) -> bool:
    """Grammar-valid, lowercase, at most 255 long, and its first component really is a registry host
    (Docker reads a first component without '.' or ':port' that is not localhost as a Docker Hub path)."""
    host = ref.split("/", 1)[0]
    return bool(
        REPOSITORY_RE.fullmatch(ref) and ref == ref.lower() and len(ref) <= 255 and ("." in host or ":" in host or host == "localhost")
    )


# Text that is often nearly valid, plus anything at all.
NEARLY = "abcxyzABZ019._-/: @$,\n\t{}É"
plausible = st.one_of(
    st.from_regex(r"[a-z0-9]{1,6}([._-][a-z0-9]{1,6}){0,2}", fullmatch=True),  # mostly valid
    st.from_regex(r"[a-zA-Z0-9][a-zA-Z0-9._-]{0,15}", fullmatch=True),
)
names = st.one_of(st.text(max_size=40), st.text(alphabet=NEARLY, max_size=40), plausible)
host_like = st.from_regex(r"[a-zA-Z0-9-]{1,8}(\.[a-zA-Z0-9-]{1,8}){0,2}(:[0-9]{1,5})?", fullmatch=True)
registries = st.one_of(st.just("ghcr.io"), host_like, names)
VALID_HOST = r"(localhost|[a-z0-9]{1,8}(\.[a-z0-9-]{0,6}[a-z0-9]){1,2}|\[[0-9a-f]{0,4}:[0-9a-f:]{1,8}\])(:[0-9]{1,5})?"
valid_repositories = st.from_regex(rf"{VALID_HOST}/{COMPONENT}(/{COMPONENT}){{0,2}}", fullmatch=True)
paths = st.lists(st.one_of(plausible, names), min_size=1, max_size=4).map("/".join)


def quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def assert_says_why(err: NamingError, *inputs: str) -> None:
    """A rejection reads '<what> "<one of the inputs>": <reason>' and has a hint; long inputs are cut at 100."""
    assert isinstance(err, InputError) and err.exit_code == 2
    message = err.message
    assert message.startswith(("invalid ", "cannot make a service name")), message
    shown = [quoted(t if len(t) <= 100 else t[:100] + "…") + ": " for t in inputs]
    named = [q for q in shown if q in message]
    assert named, f"no input quoted in {message!r}"
    assert len(message.split(named[0], 1)[1]) >= 10, message  # a reason, not just a label
    assert err.hint, message


# --- the issue's example ------------------------------------------------------------------------------------


def test_issue_example_image_cache_tags_and_destinations() -> None:
    service = slugify_service("Example-Node-API")
    assert service.value == "example-node-api"
    assert any("lower" in notice and "Example-Node-API" in notice for notice in service.notices)

    image = image_reference("ghcr.io", "BrikByte-Studios", service.value)
    assert image.value == "ghcr.io/brikbyte-studios/example-node-api"
    assert any("GHCR rejects upper case" in n and '"BrikByte-Studios"' in n for n in image.notices)

    assert cache_repo_for(image.value) == "ghcr.io/brikbyte-studios/example-node-api-cache"
    tags = normalise_tags("v0.1.0, sha-${{ github.sha }}")
    assert tags == ["v0.1.0", "sha-${{ github.sha }}"]
    assert destinations(image.value, tags) == [
        "ghcr.io/brikbyte-studios/example-node-api:v0.1.0",
        "ghcr.io/brikbyte-studios/example-node-api:sha-${{ github.sha }}",
    ]


def test_already_lowercase_names_have_no_notices() -> None:
    assert slugify_service("example-node-api") == Named("example-node-api")
    assert image_reference("ghcr.io", "brikbyte-studios", "x") == Named("ghcr.io/brikbyte-studios/x")


# --- service names --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("repo", "slug"),
    [
        ("My Service", "my-service"),
        ("  Café  API!! ", "cafe-api"),
        ("a..b", "a-b"),
        ("a___b", "a-b"),
        ("a__b.c_d--e", "a__b.c_d--e"),  # every separator the grammar allows survives
        ("-._lead.trail_-", "lead.trail"),
        ("foo - bar", "foo-bar"),
    ],
)
def test_slugify_service(repo: str, slug: str) -> None:
    result = slugify_service(repo)
    assert result.value == slug
    assert bool(result.notices) == (repo != slug)


@pytest.mark.parametrize("repo", ["", "---", "  ", "日本語", "!!!"])
def test_slugify_without_letters_or_digits_is_refused(repo: str) -> None:
    with pytest.raises(NamingError) as caught:
        slugify_service(repo)
    assert "no letters or digits" in caught.value.message
    assert_says_why(caught.value, repo)


def test_slugify_too_long_is_refused_quoting_the_repo_name() -> None:
    with pytest.raises(NamingError, match="256 characters") as caught:
        slugify_service("Service-" + "x" * 248)
    assert_says_why(caught.value, "Service-" + "x" * 248)


@pytest.mark.parametrize(
    ("service", "why"),
    [
        ("Foo Bar", "spaces are not allowed"),
        ("Example", "upper case is not allowed ('E' at position 1)"),
        ("foo!bar", "invalid character '!' at position 4"),
        ("-foo", "starts with the separator '-'"),
        ("foo.", "ends with the separator '.'"),
        ("a..b", "'..' at position 2 is not a valid separator"),
        ("a___b", "'___' at position 2 is not a valid separator"),
        ("a/b", "'/' at position 2 is not allowed"),
        ("", "it is empty"),
        ("a" * 256, "256 characters"),
    ],
)
def test_validate_service_says_why(service: str, why: str) -> None:
    with pytest.raises(NamingError) as caught:
        validate_service(service)
    assert why in caught.value.message
    assert caught.value.message.startswith(f"invalid service name {quoted(service[:100])[:-1]}")


def test_validate_service_suggests_a_fix_and_accepts_valid_names() -> None:
    with pytest.raises(NamingError) as caught:
        validate_service("Foo Bar")
    assert caught.value.render() == (
        'error: invalid service name "Foo Bar": spaces are not allowed; '
        "use lowercase letters, digits, '.', '_' or '-'\nhint: did you mean \"foo-bar\"?"
    )
    for ok in ["a", "a.b", "a_b", "a__b", "a---b", "0x"]:
        assert validate_service(ok) == ok


# --- image reference ------------------------------------------------------------------------------------------


def test_registry_is_lowered_with_notice_and_may_have_port_or_ipv6() -> None:
    result = image_reference("GHCR.io", "org", "svc")
    assert result.value == "ghcr.io/org/svc"
    assert any("case-insensitive" in n for n in result.notices)
    assert image_reference("localhost:5000", "org", "svc").value == "localhost:5000/org/svc"
    assert image_reference("[::1]:5000", "org", "svc").value == "[::1]:5000/org/svc"


@pytest.mark.parametrize(
    ("registry", "org", "service", "what", "why"),
    [
        ("https://ghcr.io", "o", "s", "registry", "URL scheme"),
        ("ghcr.io/org", "o", "s", "registry", "contains '/'"),
        ("ghcr", "o", "s", "registry", "Docker Hub path"),
        ("ghcr..io", "o", "s", "registry", "empty label"),
        ("-ghcr.io", "o", "s", "registry", "starts or ends with '-'"),
        ("ghcr.io:http", "o", "s", "registry", "port 'http' must be digits"),
        ("gh_cr.io", "o", "s", "registry", "invalid character '_'"),
        ("ghcr.io", "my org", "s", "organisation", "spaces are not allowed"),
        ("ghcr.io", "", "s", "organisation", "it is empty"),
        ("ghcr.io", "o", "Svc", "service name", "upper case is not allowed"),
        ("ghcr.io", "o" * 200, "s" * 60, "image reference", "the limit is 255"),
    ],
)
def test_image_reference_rejections(registry: str, org: str, service: str, what: str, why: str) -> None:
    with pytest.raises(NamingError) as caught:
        image_reference(registry, org, service)
    message = caught.value.message
    assert message.startswith(f"invalid {what} ") and why in message, message


# --- cache repository -----------------------------------------------------------------------------------------


def test_cache_repo_explicit_is_validated_and_kept() -> None:
    image = "ghcr.io/brikbyte-studios/example-node-api"
    explicit = "ghcr.io/brikbyte-studios/cache/example-node-api"
    assert cache_repo_for(image, explicit) == explicit
    assert cache_repo_for(image, None) == cache_repo_for(image, "") == f"{image}-cache"


@pytest.mark.parametrize(
    ("ref", "why"),
    [
        ("ghcr.io/BrikByte-Studios/cache", "upper case is not allowed"),
        ("GHCR.io/brikbyte-studios/cache", "upper case is not allowed"),
        ("brikbyte-studios/cache", "Docker Hub path"),
        ("ghcr.io", "registry host and a path"),
        ("ghcr.io/org/cache:latest", "carries a tag"),
        ("ghcr.io/org/cache@sha256:" + "a" * 64, "carries a digest"),
        ("ghcr.io//cache", "empty path component"),
        ("ghcr.io/org/cache/", "empty path component"),
        ("ghcr.io/org/ca che", "spaces are not allowed"),
        ("ghcr.io/org/.cache", "starts with the separator '.'"),
        ("ghcr.io/" + "a" * 250, "the limit is 255"),
    ],
)
def test_explicit_cache_repo_rejections(ref: str, why: str) -> None:
    with pytest.raises(NamingError) as caught:
        cache_repo_for("ghcr.io/org/svc", ref)
    assert why in caught.value.message
    assert_says_why(caught.value, ref)


def test_cache_repo_must_differ_from_image() -> None:
    with pytest.raises(NamingError, match="the image itself"):
        cache_repo_for("ghcr.io/org/svc", "ghcr.io/org/svc")


# --- tags -----------------------------------------------------------------------------------------------------


def test_tags_commas_newlines_blanks_duplicates() -> None:
    raw = "v1, latest\n\n  sha-${{ github.sha }} ,,v1\r\nlatest\n"
    assert normalise_tags(raw) == ["v1", "latest", "sha-${{ github.sha }}"]
    assert normalise_tags(["v1, v2", "v2", "  "]) == ["v1", "v2"]


def test_commas_inside_expressions_do_not_split() -> None:
    raw = "${{ format('{0}-{1}', github.ref_name, github.run_number) }},latest"
    assert normalise_tags(raw) == ["${{ format('{0}-{1}', github.ref_name, github.run_number) }}", "latest"]


@pytest.mark.parametrize(
    ("raw", "tag", "why"),
    [
        ("${{ github.sha }} v1", "${{ github.sha }} v1", "spaces are not allowed"),
        ("v1, my tag", "my tag", "spaces are not allowed"),
        ("-v1", "-v1", "starts with '-'"),
        (".v1", ".v1", "starts with '.'"),
        ("v1/x", "v1/x", "invalid character '/' at position 3"),
        ("sha-${{ github.sha", "sha-${{ github.sha", "has no closing '}}'"),
        ("a$b", "a$b", "'$' at position 2"),
        ("v" * 129, "v" * 129, "at most 128"),
        ("véé", "véé", "invalid character 'é'"),
    ],
)
def test_bad_tags_are_named_with_the_reason(raw: str, tag: str, why: str) -> None:
    with pytest.raises(NamingError) as caught:
        normalise_tags(raw)
    assert why in caught.value.message
    assert_says_why(caught.value, tag)


@pytest.mark.parametrize("raw", ["", " , \n ,", []])
def test_no_tags_is_refused(raw: str | list[str]) -> None:
    with pytest.raises(NamingError, match="no tags given"):
        normalise_tags(raw)


def test_longest_tag_is_accepted() -> None:
    assert normalise_tags("_" + "a" * 127) == ["_" + "a" * 127]


# --- fuzzing: accepted means grammar-valid and lowercase; rejected means a reason ----------------------------


@pytest.mark.slow
@settings(max_examples=400)
@given(names)
def test_fuzz_slugify(repo: str) -> None:
    try:
        result = slugify_service(repo)
    except NamingError as err:
        assert_says_why(err, repo)
        assert not re.search("[A-Za-z0-9]", repo)  # only refused when nothing usable is left
        return
    assert result.value == result.value.lower()
    assert COMPONENT_RE.fullmatch(result.value)
    assert validate_service(result.value) == result.value
    assert slugify_service(result.value) == Named(result.value)  # a slug is its own slug, silently
    assert bool(result.notices) == (result.value != repo)


@pytest.mark.slow
@settings(max_examples=400)
@given(names)
def test_fuzz_validate_service(service: str) -> None:
    try:
        assert validate_service(service) == service
    except NamingError as err:
        assert_says_why(err, service)
        assert not (COMPONENT_RE.fullmatch(service) and len(service) <= 255)  # no valid name refused
        return
    assert COMPONENT_RE.fullmatch(service)


@pytest.mark.slow
@settings(max_examples=400)
@given(registries, names, names)
def test_fuzz_image_reference(registry: str, org: str, service: str) -> None:
    try:
        result = image_reference(registry, org, service)
    except NamingError as err:
        composed = f"{registry.lower()}/{org.lower()}/{service}"
        assert_says_why(err, registry, org, service, composed)
        # Nothing valid is refused ('/' is allowed inside the org only: nested namespaces).
        assert "/" in registry + service or not is_valid_repository(composed)
        return
    assert result.value == f"{registry.lower()}/{org.lower()}/{service}"
    assert is_valid_repository(result.value)


@pytest.mark.slow
@settings(max_examples=400)
@given(st.one_of(names, st.tuples(registries, paths).map("/".join), valid_repositories))
def test_fuzz_validate_repository(ref: str) -> None:
    try:
        assert validate_repository(ref) == ref
    except NamingError as err:
        assert_says_why(err, ref)
        assert not is_valid_repository(ref)  # nothing valid is refused
        return
    assert is_valid_repository(ref)


EXPRESSIONS = st.sampled_from(["${{ github.sha }}", "${{ format('{0},{1}', a, b) }}", "${{ x }}"])
tag_text = st.lists(st.one_of(names, EXPRESSIONS), max_size=6).map("".join)


@pytest.mark.slow
@settings(max_examples=400)
@given(st.one_of(tag_text, st.lists(tag_text, max_size=3)))
def test_fuzz_tags(raw: str | list[str]) -> None:
    joined = "\n".join([raw] if isinstance(raw, str) else raw)
    try:
        tags = normalise_tags(raw)
    except NamingError as err:
        if err.message.startswith("no tags"):
            assert not re.sub(r"[,\n]", "", joined).strip()  # refused only when there really is no tag
            return
        # "invalid tag <json-quoted tag>: <reason>", and the tag quoted really is a stripped, invalid piece.
        assert err.message.startswith("invalid tag ")
        named, end = json.JSONDecoder().raw_decode(err.message, len("invalid tag "))
        assert err.message[end:].startswith(": ") and len(err.message[end + 2 :]) >= 10
        if not named.endswith("…"):
            assert named and named == named.strip() and named in joined
            assert not TAG_RE.fullmatch(re.sub(r"\$\{\{.*?\}\}", "x", named))
        assert err.hint
        return
    assert tags and len(tags) == len(set(tags))
    for tag in tags:
        assert tag == tag.strip() and tag in joined
        assert TAG_RE.fullmatch(re.sub(r"\$\{\{.*?\}\}", "x", tag)), tag


@given(
    st.lists(st.from_regex(TAG_RE, fullmatch=True), min_size=1, max_size=5),
    st.sampled_from([",", "\n", " , ", "\r\n"]),
)
@pytest.mark.slow
def test_fuzz_valid_tags_round_trip(tags: list[str], joiner: str) -> None:
    expected = list(dict.fromkeys(tags))
    assert normalise_tags(joiner.join(tags)) == expected
    assert destinations("ghcr.io/o/s", expected) == [f"ghcr.io/o/s:{t}" for t in expected]
