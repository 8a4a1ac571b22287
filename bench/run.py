"""Time each page's database work on the national dataset against its hand-written SQL
floor (see docs/benchmarks.md).

    bench/run [--database sentier_bench] [--runs 9]

For each scenario: the application's result and the floor's are compared first (a floor
that finds other figures would prove nothing), then both run alternately; the table gives
median milliseconds and the ratio to the floor."""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def scenarios(s):
    from bench import floor_report, floors
    from bench import scenarios as sc
    from pathways.visibility import access

    levels = access(s.social_worker, s.person).levels
    year = sc.year_programme()
    # The goals: dashboards and reports under 300 ms and at most twice the floor;
    # search and timeline under 50 ms. Lists and the journal: under 300 ms.
    dash, fast, page = dict(goal_ms=300, max_ratio=2), dict(goal_ms=50), dict(goal_ms=300)
    return [
        sc.Scenario("Tableau de bord d'un programme", **dash,
                    app=lambda: sc.dashboard_app(s.programme),
                    floor=lambda: sc.dashboard_floor(s.programme)),
        sc.Scenario("Programmes d'une structure (synthèse)", **dash,
                    app=lambda: sc.overview_app([s.org.pk]),
                    floor=lambda: sc.overview_floor(s.org.pk)),
        sc.Scenario("Tous les programmes, par structure (national)", **dash,
                    app=lambda: sc.overview_app(None, "organisation"),
                    floor=lambda: sc.overview_floor(None, "organisation")),
        sc.Scenario("Rapport trimestriel (données)", **dash,
                    app=lambda: _numbers(sc.report_app(s.programme)),
                    floor=lambda: floor_report.build(s.programme, *sc.quarter(s.programme))),
        sc.Scenario("Recherche par code", **fast,
                    app=lambda: sc.person_list_app(s.coordinator, s.code_typed),
                    floor=lambda: sc.person_search_floor(s.org.pk, s.code_typed)),
        sc.Scenario("Recherche par surnom", **fast,
                    app=lambda: sc.person_list_app(s.coordinator, s.nickname_part),
                    floor=lambda: sc.person_search_floor(s.org.pk, s.nickname_part)),
        sc.Scenario("Parcours d'une personne", **fast,
                    app=lambda: sorted(e[:2] for e in sc.timeline_app(s.social_worker, s.person)),
                    floor=lambda: floors.timeline(s.person.pk, levels)),
        sc.Scenario("Liste des personnes (selon les droits)", **page,
                    app=lambda: sc.person_list_app(s.coordinator),
                    floor=lambda: floors.person_list(s.org.pk, sc.TODAY)),
        sc.Scenario("Journal d'audit (administrateur)", **page,
                    app=lambda: sc.journal_app(s.admin), floor=lambda: floors.journal(s.org.pk)),
        # No SQL floor: the time is the solver's (mixed-integer programmes over the ledger),
        # not the database's; the year's ledger is written once before timing.
        sc.Scenario("Publier un RETEX contre un an de publications", goal_ms=5000,
                    app=lambda: sc.retex_publish_app(year, s.coordinator), floor=None,
                    setup=lambda: sc.ledger_year(year, s.coordinator)),
    ]  # fmt: skip


def _numbers(tables):
    """The report's tables without their labels: what the floor computes."""
    return {
        key: [[c for c in row if not isinstance(c, str)] for row in rows]
        for key, rows in tables.items()
    }


def _normalise(value):
    from bench.scenarios import _num

    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normalise(v) for v in value]
    if isinstance(value, float | int) and not isinstance(value, bool):
        return _num(value)
    return value


class SqlClock:
    """Time spent in the database driver and the number of queries, around each execute."""

    def __init__(self):
        self.ms, self.queries = 0.0, 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.ms += (time.perf_counter() - started) * 1000
            self.queries += 1


def timed(fn) -> tuple[float, float, int]:
    """Total milliseconds, milliseconds inside SQL, number of queries."""
    from django.db import connection

    clock = SqlClock()
    with connection.execute_wrapper(clock):
        started = time.perf_counter()
        fn()
        total = (time.perf_counter() - started) * 1000
    return total, clock.ms, clock.queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", default="sentier_bench")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--only", help="ne lancer que les scénarios contenant ce texte")
    args = parser.parse_args()
    from bench.generate import database_url

    os.environ["DATABASE_URL"] = database_url(args.database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sentier.settings")
    import django

    django.setup()
    from bench.scenarios import Subjects
    from people.models import Person

    subjects = Subjects()
    print(
        f"Base {args.database} : {Person.objects.count():,} personnes ; structure "
        f"{subjects.org.pk}, programme {subjects.programme.pk} ; médiane de {args.runs} essais."
    )
    header = (
        f"{'Scénario':<46} {'Sentier':>7} {'dont SQL':>8} {'req.':>4} {'Plancher':>8} "
        f"{'req.':>4} {'Ratio':>5} {'SQL':>5}  Objectif"
    )
    print(header + "\n" + "-" * len(header))
    failed = []
    for sc in scenarios(subjects):
        if args.only and args.only.lower() not in sc.name.lower():
            continue
        if sc.floor is None:
            sc.setup()
            app = [timed(sc.app) for _ in range(args.runs)]
            a = statistics.median(t for t, _, _ in app)
            a_sql = statistics.median(s for _, s, _ in app)
            ok = a <= sc.goal_ms
            print(
                f"{sc.name:<46} {a:>7.1f} {a_sql:>8.1f} {app[0][2]:>4} {'—':>8} {'—':>4} "
                f"{'—':>5} {'—':>5}  < {sc.goal_ms:.0f} ms {'✓' if ok else '✗'}"
            )
            continue
        if _normalise(sc.app()) != _normalise(sc.floor()):
            failed.append(sc.name)
            print(f"{sc.name:<46} RÉSULTATS DIFFÉRENTS du plancher : mesure sans valeur")
            continue
        app, floor = [], []
        for _ in range(args.runs):
            app.append(timed(sc.app))
            floor.append(timed(sc.floor))
        a = statistics.median(t for t, _, _ in app)
        a_sql = statistics.median(s for _, s, _ in app)
        f = statistics.median(t for t, _, _ in floor)
        ratio, sql_ratio = a / f, a_sql / f
        # The floor is SQL only; "SQL" compares Sentier's time inside the database driver
        # with it, "Ratio" the whole call, Django's query building included.
        ok = a <= sc.goal_ms and (sc.max_ratio is None or sql_ratio <= sc.max_ratio)
        goal = f"< {sc.goal_ms:.0f} ms" + (f", SQL ≤ {sc.max_ratio:g}×" if sc.max_ratio else "")
        print(
            f"{sc.name:<46} {a:>7.1f} {a_sql:>8.1f} {app[0][2]:>4} {f:>8.1f} {floor[0][2]:>4} "
            f"{ratio:>5.1f} {sql_ratio:>5.2f}  {goal} {'✓' if ok else '✗'}"
        )
    if failed:
        sys.exit(f"Résultats différents du plancher : {', '.join(failed)}")


if __name__ == "__main__":
    main()
