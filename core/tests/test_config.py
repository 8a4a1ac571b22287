"""The typed readers: a malformed value is refused with the variable's name, never read
as a silent default."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from core import config


@pytest.mark.parametrize("value", ["1", "true", "TRUE", " yes ", "on", "oui"])
def test_true_spellings(value):
    assert config.env_bool("FLAG", env={"FLAG": value}) is True


@pytest.mark.parametrize("value", ["0", "false", "no", "off", "non", ""])
def test_false_spellings(value):
    assert config.env_bool("FLAG", default=True, env={"FLAG": value}) is False


def test_unset_boolean_takes_its_default():
    assert config.env_bool("FLAG", default=True, env={}) is True


@pytest.mark.parametrize("value", ["ture", "2", "vrai-ish", "y e s"])
def test_a_typo_in_a_boolean_is_refused_by_name(value):
    with pytest.raises(ImproperlyConfigured, match="SENTIER_FLAG"):
        config.env_bool("SENTIER_FLAG", env={"SENTIER_FLAG": value})


def test_integers_and_their_bounds():
    assert config.env_int("N", 30, env={}) == 30
    assert config.env_int("N", 30, env={"N": " 45 "}) == 45
    for bad in ["30min", "1.5", "trente"]:
        with pytest.raises(ImproperlyConfigured, match="N='"):
            config.env_int("N", 30, env={"N": bad})
    with pytest.raises(ImproperlyConfigured, match=">= 1"):
        config.env_int("N", 30, minimum=1, env={"N": "0"})
    with pytest.raises(ImproperlyConfigured, match="<= 65535"):
        config.env_int("N", 25, maximum=65535, env={"N": "70000"})


def test_urls():
    pg = {"postgres", "sqlite"}
    assert config.env_url("U", "sqlite:///x", pg, env={}) == "sqlite:///x"
    good = "postgres://sentier_app@db.internal:5432/sentier"
    assert config.env_url("U", "", pg, env={"U": good}) == good
    for bad in ["postgress://db/x", "db.internal/sentier", "postgres://db:port/x", "postgres:///x"]:
        with pytest.raises(ImproperlyConfigured, match="U='"):
            config.env_url("U", "", pg, env={"U": bad})


def test_lists_and_origins():
    assert config.env_list("H", "a,b", env={}) == ["a", "b"]
    assert config.env_list("H", env={"H": " x.fr , ,y.fr "}) == ["x.fr", "y.fr"]
    assert config.env_origins("O", env={"O": "https://x.fr,https://y.fr:8443"}) == [
        "https://x.fr",
        "https://y.fr:8443",
    ]
    with pytest.raises(ImproperlyConfigured, match="O='"):
        config.env_origins("O", env={"O": "x.fr"})


def test_required():
    assert config.env_required("S", env={"S": "v"}) == "v"
    with pytest.raises(ImproperlyConfigured, match="S is not set"):
        config.env_required("S", env={"S": "  "})
