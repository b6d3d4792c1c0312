"""Image naming: service slug, image reference, cache repo, tags and destinations.

Everything is checked against the OCI distribution reference grammar as written in
github.com/distribution/reference: reference.go (the grammar comment, RepositoryNameTotalLengthMax)
and regexp.go (the regex pieces; the constants below carry the same names). Pure: strings in, strings out.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NoReturn

from wizard.errors import InputError

# The grammar, piece by piece (distribution/reference regexp.go).
ALPHANUMERIC = r"[a-z0-9]+"
SEPARATOR = r"(?:[._]|__|[-]+)"
PATH_COMPONENT = rf"{ALPHANUMERIC}(?:{SEPARATOR}{ALPHANUMERIC})*"
REMOTE_NAME = rf"{PATH_COMPONENT}(?:/{PATH_COMPONENT})*"
DOMAIN_NAME_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
DOMAIN_NAME = rf"{DOMAIN_NAME_COMPONENT}(?:\.{DOMAIN_NAME_COMPONENT})*"
IPV6_ADDRESS = r"\[(?:[a-fA-F0-9:]+)\]"
DOMAIN_AND_PORT = rf"(?:{DOMAIN_NAME}|{IPV6_ADDRESS})(?::[0-9]+)?"
NAME = rf"(?:{DOMAIN_AND_PORT}/)?{REMOTE_NAME}"
TAG = r"[\w][\w.-]{0,127}"  # Go's \w is ASCII-only, hence re.ASCII below
NAME_TOTAL_LENGTH_MAX = 255  # we bound the whole name (older distribution did; newer bounds the path only)

_A = re.ASCII
_SEPARATOR_RE = re.compile(SEPARATOR, _A)
_COMPONENT_RE = re.compile(PATH_COMPONENT, _A)
_LABEL_RE = re.compile(DOMAIN_NAME_COMPONENT, _A)
_IPV6_RE = re.compile(IPV6_ADDRESS, _A)
_NAME_RE = re.compile(NAME, _A)
_TAG_RE = re.compile(TAG, _A)
_EXPRESSION_RE = re.compile(r"\$\{\{.*?\}\}")  # a GitHub expression ${{ ... }}, on one line
_SPLIT_TOKEN_RE = re.compile(r"\$\{\{.*?\}\}|[,\n]|[^,\n$]+|\$")
_ALLOWED = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-")
_ALLOWED_TEXT = "use lowercase letters, digits, '.', '_' or '-'"


class NamingError(InputError):
    """An image name, cache repo or tag that the registry would refuse (exit 2)."""


@dataclass(frozen=True)
class Named:
    """A value plus notices for the user (what was changed on the way, and why)."""

    value: str
    notices: tuple[str, ...] = ()


def _q(text: str) -> str:
    """Quote user input for a message: escaped, on one line, not unbounded."""
    return json.dumps(text if len(text) <= 100 else text[:100] + "…", ensure_ascii=False)


def _component_problem(comp: str) -> str | None:
    """Why comp is not one path component of the grammar, or None."""
    if not comp:
        return "it is empty"
    if any(ch.isspace() for ch in comp):
        return f"spaces are not allowed; {_ALLOWED_TEXT}"
    upper = next(((pos, ch) for pos, ch in enumerate(comp, 1) if "A" <= ch <= "Z"), None)
    if upper:
        return f"upper case is not allowed ({upper[1]!r} at position {upper[0]}): registries reject upper case"
    for pos, ch in enumerate(comp, 1):
        if ch == "/":
            return f"'/' at position {pos} is not allowed: this is one path component"
        if ch not in _ALLOWED:
            return f"invalid character {ch!r} at position {pos}; {_ALLOWED_TEXT}"
    if comp[0] in "._-" or comp[-1] in "._-":
        where, ch = ("starts", comp[0]) if comp[0] in "._-" else ("ends", comp[-1])
        return f"it {where} with the separator {ch!r}; it must start and end with a letter or digit"
    for run in re.finditer(r"[._-]+", comp):
        if not _SEPARATOR_RE.fullmatch(run.group()):
            return (
                f"{run.group()!r} at position {run.start() + 1} is not a valid separator; use one '.', one or two '_', or any number of '-'"
            )
    if len(comp) > NAME_TOTAL_LENGTH_MAX:
        return f"it is {len(comp)} characters; an image name has at most {NAME_TOTAL_LENGTH_MAX}"
    # The checks above are the grammar spelt out; the regex stays the judge.
    return None if _COMPONENT_RE.fullmatch(comp) else f"it does not match the grammar {PATH_COMPONENT}"


def _domain_problem(domain: str) -> str | None:
    """Why domain is not a registry host[:port] (lowercase already expected), or None."""
    if not domain:
        return "it is empty"
    if "://" in domain:
        return "it has a URL scheme; give only the host, e.g. ghcr.io"
    if "/" in domain:
        return "it contains '/'; the registry is only host[:port], the namespace goes in the organisation"
    if any(ch.isspace() for ch in domain):
        return "spaces are not allowed"
    if domain.startswith("["):
        host, _, rest = domain.partition("]")
        host += "]"
        if "]" not in domain or not _IPV6_RE.fullmatch(host):
            return "an IPv6 host is written [hex digits and ':'] with a closing ']'"
        if rest and not rest.startswith(":"):
            return f"unexpected {rest!r} after the IPv6 address"
        port, has_port = rest[1:], bool(rest)
    else:
        host, colon, port = domain.partition(":")
        has_port = bool(colon)
        for label in host.split("."):
            if not label:
                return "it has an empty label (a leading, trailing or doubled '.')"
            bad = next((ch for ch in label if not re.fullmatch(r"[a-z0-9-]", ch, _A)), None)
            if bad is not None:
                return f"invalid character {bad!r} in the host name; use letters, digits, '-' and '.'"
            if not _LABEL_RE.fullmatch(label):
                return f"the label {label!r} starts or ends with '-'"
    # Docker's rule (normalize.go splitDockerDomain): a first component is a host only with '.', ':' or localhost.
    if "." not in domain and ":" not in domain and domain != "localhost":
        return "it has no '.' or ':port' and is not localhost, so it would be read as a Docker Hub path"
    if has_port and not re.fullmatch(r"[0-9]+", port, _A):
        return f"the port {port!r} must be digits only"
    return None


def _raise(what: str, value: str, reason: str, hint: str | None = None) -> NoReturn:
    raise NamingError(f"invalid {what} {_q(value)}: {reason}", hint)


def slugify_service(repo_name: str) -> Named:
    """A repository name -> a service name valid as one path component; notices say what changed."""
    # Accents go (é -> e) before lowering; anything else outside the alphabet becomes '-'.
    ascii_ish = "".join(ch for ch in unicodedata.normalize("NFKD", repo_name) if not unicodedata.combining(ch))
    lowered = ascii_ish.lower()
    # A run of invalid characters, with the separators around it, becomes one '-'.
    replaced = re.sub(r"(?:[._-]*[^a-z0-9._-])+[._-]*", "-", lowered)
    # Separator runs the grammar refuses ('..', '._', '___') become '-' too.
    replaced = re.sub(r"[._-]+", lambda m: m.group() if _SEPARATOR_RE.fullmatch(m.group()) else "-", replaced)
    slug = replaced.strip("._-")
    problem = _component_problem(slug) if slug else "it has no letters or digits"
    if problem:
        raise NamingError(
            f"cannot make a service name from the repository name {_q(repo_name)}: {problem}",
            "pass --service with a short lowercase name, e.g. my-service",
        )
    reasons = []
    if lowered != ascii_ish:
        reasons.append("upper case lowered (registries reject upper case)")
    if replaced != lowered or ascii_ish != repo_name:
        reasons.append("characters or separators a registry refuses replaced by '-'")
    if slug != replaced:
        reasons.append("separators at the ends removed")
    if not reasons:
        return Named(slug)
    return Named(slug, (f"service name {_q(slug)} from repository {_q(repo_name)}: {'; '.join(reasons)}",))


def validate_service(service: str) -> str:
    """An explicit service name: must already be one valid lowercase path component."""
    problem = _component_problem(service)
    if problem:
        try:
            hint = f"did you mean {_q(slugify_service(service).value)}?"
        except NamingError:
            hint = "pass --service with a lowercase name, e.g. my-service"
        _raise("service name", service, problem, hint)
    return service


def _check_name(name: str, what: str) -> None:
    if len(name) > NAME_TOTAL_LENGTH_MAX:
        _raise(
            what,
            name,
            f"it is {len(name)} characters; the limit is {NAME_TOTAL_LENGTH_MAX}",
            "use a shorter service, organisation or registry name",
        )
    if not _NAME_RE.fullmatch(name):  # every part was checked already; the whole-name regex stays the judge
        _raise(what, name, f"it does not match the grammar {NAME}")


def image_reference(registry: str, org: str, service: str) -> Named:
    """'<registry>/<org>/<service>', lowercase; registry and org are lowered with a notice."""
    notices = []
    host = registry.lower()
    if host != registry:
        notices.append(f"registry {_q(registry)} lowered to {_q(host)}: host names are case-insensitive")
    problem = _domain_problem(host)
    if problem:
        _raise("registry", registry, problem, "pass --registry as host[:port], e.g. ghcr.io")
    namespace = org.lower()
    if namespace != org:
        notices.append(f"organisation {_q(org)} lowered to {_q(namespace)}: GHCR rejects upper case in image names")
    for part in namespace.split("/"):  # nested namespaces (group/subgroup) exist on other registries
        problem = _component_problem(part)
        if problem:
            _raise("organisation", org, problem, "pass --org as the registry namespace, e.g. brikbyte-studios")
    name = f"{host}/{namespace}/{validate_service(service)}"
    _check_name(name, "image reference")
    return Named(name, tuple(notices))


def validate_repository(ref: str) -> str:
    """A full repository reference without tag or digest, e.g. ghcr.io/brikbyte-studios/cache/x."""
    hint = "write it as <registry>/<path>, lowercase, e.g. ghcr.io/brikbyte-studios/cache/my-service"
    if not ref:
        _raise("repository", ref, "it is empty", hint)
    if "@" in ref:
        _raise("repository", ref, "it carries a digest ('@…'); give the repository only", hint)
    domain, _, path = ref.partition("/")
    if ":" in ref.rsplit("/", 1)[-1] and path:
        _raise("repository", ref, "it carries a tag (':…'); give the repository only", hint)
    if any("A" <= ch <= "Z" for ch in ref):
        _raise("repository", ref, "upper case is not allowed: registries reject upper case", hint)
    if not path:
        _raise("repository", ref, "it needs a registry host and a path separated by '/'", hint)
    problem = _domain_problem(domain)
    if problem:
        _raise("repository", ref, f"the registry part {_q(domain)} is not a host: {problem}", hint)
    for part in path.split("/"):
        if not part:
            _raise("repository", ref, "it has an empty path component ('//' or a trailing '/')", hint)
        problem = _component_problem(part)
        if problem:
            _raise("repository", ref, f"path component {_q(part)}: {problem}", hint)
    _check_name(ref, "repository")
    return ref


def cache_repo_for(image: str, explicit: str | None = None) -> str:
    """The Kaniko cache repo: an explicit one (validated) or '<image>-cache'. '' counts as not given."""
    if explicit:
        repo = validate_repository(explicit)
        if repo == image:
            reason = "it is the image itself; cache layers would mix with the image's tags"
            _raise("cache repository", repo, reason, "leave it empty for the default <image>-cache, or pick another")
        return repo
    return validate_repository(f"{image}-cache")


# Each tag is a destination Kaniko pushes on every build; a hundred is already far past any real use.
MAX_TAGS = 100


def _split_tags(raw: str) -> list[str]:
    """Split on commas and newlines, but never inside ${{ ... }} (format('{0}','a') has commas)."""
    parts, current = [], ""
    for token in _SPLIT_TOKEN_RE.findall(raw):
        if token in (",", "\n"):
            parts.append(current)
            current = ""
        else:
            current += token
    return [*parts, current]


def _tag_problem(tag: str) -> str | None:
    """Why tag is not a valid tag (expressions count as one placeholder character), or None."""
    template = _EXPRESSION_RE.sub("x", tag)
    if _TAG_RE.fullmatch(template):
        return None
    inside = {i for m in _EXPRESSION_RE.finditer(tag) for i in range(*m.span())}
    literal = [(pos, ch) for pos, ch in enumerate(tag, 1) if pos - 1 not in inside]
    unclosed = next((pos for pos, _ in literal if tag.startswith("${{", pos - 1)), None)
    if unclosed is not None:
        return f"the expression '${{{{' at position {unclosed} has no closing '}}}}'"
    if any(ch.isspace() for _, ch in literal):
        return "spaces are not allowed in a tag"
    for pos, ch in literal:
        if ch == "$":
            return f"'$' at position {pos} is not allowed (a GitHub expression is written ${{{{ ... }}}})"
        if not re.fullmatch(r"[\w.-]", ch, _A):
            return f"invalid character {ch!r} at position {pos}; use letters, digits, '_', '.' or '-'"
    if template[0] in ".-":
        return f"it starts with {template[0]!r}; a tag starts with a letter, digit or '_'"
    return f"it is {len(template)} characters; a tag has at most 128"


def normalise_tags(raw: str | Iterable[str]) -> list[str]:
    """Tags from a comma/newline separated string (or several): stripped, blanks and duplicates dropped."""
    chunks = [raw] if isinstance(raw, str) else list(raw)
    tags: dict[str, None] = {}  # ordered, with constant-time membership
    for piece in (p.strip() for chunk in chunks for p in _split_tags(chunk)):
        if piece and piece not in tags:
            problem = _tag_problem(piece)
            if problem:
                _raise("tag", piece, problem, "separate tags with commas or newlines, e.g. v1.2.0, latest")
            tags[piece] = None
            if len(tags) > MAX_TAGS:
                raise NamingError(f"more than {MAX_TAGS} tags", "an image needs a few tags (e.g. sha-<commit>, a version, latest)")
    if not tags:
        raise NamingError("no tags given: an image needs at least one tag", 'pass --tags, e.g. "sha-${{ github.sha }}"')
    return list(tags)


def destinations(image: str, tags: Iterable[str]) -> list[str]:
    """One push destination '<image>:<tag>' per tag."""
    return [f"{image}:{tag}" for tag in tags]
