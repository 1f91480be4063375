"""The one HTTP layer every live source goes through, split by idea.

- `policy`: per-service rate, concurrency, retry budget (attempts and time) and breaker settings;
- `cache`: requests-cache (SQLite or Redis), lifetimes by kind, identification out of keys;
- `transport`: one bounded attempt (deadline including the body, size cap, few redirects);
- `retry`: fault kinds, which are transient (an unparseable, empty or HTML 200 is), backoff
  with jitter, Retry-After;
- `breaker`: a circuit breaker per service (down only after sustained failure, half-open probe);
- `identity`: the user's keys, sent but kept out of cache keys, logs and reports;
- `client`: `Http`, which adapters call.

Why one layer: politeness and persistence have to be right once, not once per adapter.
"""

from claimcheck.sources.http.cache import LIFETIMES, default_cache_path
from claimcheck.sources.http.client import Http, Reply
from claimcheck.sources.http.identity import SECRET_NAMES, redact
from claimcheck.sources.http.policy import POLICIES, Policy, policy_from_env
from claimcheck.sources.http.retry import KINDS, TRANSIENT, Fault
from claimcheck.sources.http.transport import MAX_REDIRECTS, USER_AGENT, BodyRefused

__all__ = [
    "KINDS",
    "LIFETIMES",
    "MAX_REDIRECTS",
    "POLICIES",
    "SECRET_NAMES",
    "TRANSIENT",
    "USER_AGENT",
    "BodyRefused",
    "Fault",
    "Http",
    "Policy",
    "Reply",
    "default_cache_path",
    "policy_from_env",
    "redact",
]
