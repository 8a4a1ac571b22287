"""Indicator values (entered with history, or computed by Sentier), the monthly tracking
table, the yearly evaluation, copying a plan."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q

from accounts import access
from accounts import services as account_services
from accounts.models import Membership, Organisation
from accounts.roles import PLAN_ADMIN_ROLES, Role
from activity.models import Participation, WorkSession
from audit.models import Action as AuditAction
from audit.services import record
from core.actor import Actor
from core.dates import month_end, month_start
from plan.models import (
    Action,
    Axis,
    Blocker,
    Indicator,
    IndicatorValue,
    Objective,
    Plan,
    Step,
    StepStatus,
)
from reporting.models import Meeting

QUARTER_MONTHS = (1, 4, 7, 10)
SMALL_COUNT = 5


PERIOD_MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}
# IndicatorValue.value holds 14 digits, 2 after the point.
MAX_VALUE = Decimal("1000000000000")


def period_bounds(indicator: Indicator, start: date) -> tuple[date, date]:
    months = PERIOD_MONTHS[indicator.periodicity]
    return start, month_end(month_start(start, months - 1))


def check_period(indicator: Indicator, start: date) -> None:
    P = Indicator.Periodicity
    wrong = (
        start.day != 1
        or (indicator.periodicity == P.QUARTERLY and start.month not in QUARTER_MONTHS)
        or (indicator.periodicity == P.YEARLY and start.month != 1)
    )
    if wrong:
        expected: str = {
            P.MONTHLY: "le premier jour d'un mois",
            P.QUARTERLY: "le premier jour d'un trimestre (1er janvier, avril, juillet, octobre)",
            P.YEARLY: "le 1er janvier",
        }[P(indicator.periodicity)]
        raise ValidationError(
            {
                "period_start": f"Indicateur {indicator.get_periodicity_display().lower()} : la "
                f"période commence {expected}."
            }
        )


def parse_value(indicator: Indicator, raw: str) -> Decimal:
    U = Indicator.Unit
    text = (raw or "").strip().replace(",", ".").replace(" ", "")
    if indicator.unit == U.YES_NO:
        mapping = {"oui": Decimal(1), "non": Decimal(0), "1": Decimal(1), "0": Decimal(0)}
        if text.lower() not in mapping:
            raise ValidationError({"value": "Répondez « oui » ou « non »."})
        return mapping[text.lower()]
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValidationError({"value": f"« {raw} » n'est pas un nombre."}) from None
    if value.is_nan():
        raise ValidationError({"value": f"« {raw} » n'est pas un nombre."})
    if value < 0:
        raise ValidationError({"value": "La valeur doit être un nombre positif ou nul."})
    if value.is_infinite() or value >= MAX_VALUE:
        # Checked before any arithmetic: 1e309 or forty digits would overflow the rounding.
        raise ValidationError({"value": "Cette valeur est trop grande pour être plausible."})
    if indicator.unit == U.COUNT and value != value.to_integral_value():
        raise ValidationError({"value": "Un nombre de… se compte en entiers."})
    if indicator.unit == U.PERCENT and value > 100:
        raise ValidationError({"value": "Un pourcentage ne dépasse pas 100."})
    value = value.quantize(Decimal("0.01"))
    if value >= MAX_VALUE:  # 999999999999.999 rounds up past the column's 14 digits
        raise ValidationError({"value": "Cette valeur est trop grande pour être plausible."})
    return value


def enter_value(actor: Actor, indicator: Indicator, start: date, raw: str) -> IndicatorValue:
    if indicator.source != Indicator.Source.ENTERED:
        raise ValidationError("Ce chiffre est calculé par Sentier : il ne se saisit pas.")
    check_period(indicator, start)
    plan = indicator.action.objective.axis.plan
    if not plan.start_year <= start.year <= plan.end_year:
        raise ValidationError(
            {
                "period_start": f"La période doit tomber pendant le plan ({plan.start_year}–"
                f"{plan.end_year})."
            }
        )
    if start > date.today():
        raise ValidationError(
            {"period_start": "On ne saisit pas une période qui n'a pas commencé."}
        )
    value = parse_value(indicator, raw)
    return IndicatorValue.objects.create(
        indicator=indicator, period_start=start, value=value, entered_by=actor.user
    )


def computed_value(indicator: Indicator, start: date) -> Decimal | None:
    first, last = period_bounds(indicator, start)
    S = Indicator.Source
    if indicator.source == S.PERSONS_WORKED:
        n = (
            Participation.objects.worked()
            .filter(session__date__range=(first, last))
            .aggregate(n=Count("person", distinct=True))["n"]
        )
        return Decimal(n)
    if indicator.source == S.SESSIONS_HELD:
        return Decimal(
            WorkSession.objects.filter(cancelled=False, date__range=(first, last)).count()
        )
    if indicator.source == S.SYSTEM_EXISTS:
        return Decimal(1)  # this very system answers
    return None


def value_for(indicator: Indicator, start: date) -> Decimal | str | None:
    if indicator.source != Indicator.Source.ENTERED:
        value = computed_value(indicator, start)
        # The plan is read by a wide steering group and its funders: a count of persons
        # follows the same small-count rule as the committee reports.
        small = value is not None and 0 < value < SMALL_COUNT
        if indicator.source == Indicator.Source.PERSONS_WORKED and small:
            return f"< {SMALL_COUNT}"
        return value
    latest = indicator.values.filter(period_start=start).order_by("-entered_at").first()
    return latest.value if latest else None


def period_starts(indicator: Indicator, plan: Plan) -> list[date]:
    step = PERIOD_MONTHS[indicator.periodicity]
    last = reference_day(plan, date.today())  # never past the plan
    first, starts = date(plan.start_year, 1, 1), list[date]()
    while (start := month_start(first, len(starts) * step)) < last:
        starts.append(start)
    return starts


def series(indicator: Indicator, plan: Plan) -> list[tuple[date, Decimal | str | None]]:
    """The indicator over the plan's periods: latest entry per period, or computed figures."""
    if indicator.source != Indicator.Source.ENTERED:
        return [(s, value_for(indicator, s)) for s in period_starts(indicator, plan)]
    latest = {}
    for row in indicator.values.order_by("period_start", "entered_at"):
        latest[row.period_start] = row.value  # later entries correct earlier ones
    return sorted(latest.items())


def followed_indicators(plan: Plan):
    """Indicators with figures: entered at least once, or computed by Sentier."""
    return (
        Indicator.objects.filter(action__objective__axis__plan=plan)
        .filter(Q(values__isnull=False) | ~Q(source=Indicator.Source.ENTERED))
        .select_related("action")
        .distinct()
        .order_by("action__number", "pk")
    )


def chart(points) -> list[dict]:
    """Bars for the numbers; a suppressed figure ('< 5') is written, not drawn."""
    numbers = [v for _, v in points if isinstance(v, Decimal)]
    peak = max(numbers + [Decimal(1)])
    return [
        {
            "period": p,
            "value": v,
            "label": _fmt(v),
            "width": int(200 * v / peak) if isinstance(v, Decimal) else 0,
        }
        for p, v in points
    ]


def reference_day(plan: Plan, today: date) -> date:
    """Figures are read as of today, or as of the plan's end once it is over."""
    return min(today, date(plan.end_year + 1, 1, 1))


def last_periods(indicator: Indicator, today: date) -> tuple[date, date]:
    """The latest complete period's start and the one before."""
    months = PERIOD_MONTHS[indicator.periodicity]
    current = date(today.year, (today.month - 1) // months * months + 1, 1)
    return month_start(current, -months), month_start(current, -2 * months)


def action_status(steps, today) -> str:
    shown = [s.display_status(today) for s in steps]
    if "blocked" in shown:
        return "blocked"
    if "late" in shown:
        return "late"
    if shown and all(s == StepStatus.DONE for s in shown):
        return "done"
    if any(s in (StepStatus.IN_PROGRESS, StepStatus.DONE) for s in shown):
        return "in_progress"
    return "not_started"


STATUS_LABELS = {
    "not_started": "Pas commencée",
    "in_progress": "En cours",
    "done": "Faite",
    "late": "En retard",
    "blocked": "Bloquée",
}


def tracking_rows(plan: Plan, today: date) -> list[dict]:
    """The operational committee's table: every action with its status, steps due, open
    blockers and latest indicator values against the previous period."""
    actions = (
        Action.objects.filter(objective__axis__plan=plan)
        .select_related("objective__axis")
        .prefetch_related("steps__blockers", "indicators__values")
        .order_by("number")
    )
    rows = []
    for action in actions:
        steps = list(action.steps.all())
        due = [
            s
            for s in steps
            if s.display_status(today) in ("late", "blocked")
            or (s.planned_start <= today <= s.planned_end and s.status != StepStatus.DONE)
        ]
        blockers = [b for s in steps for b in s.blockers.all() if not b.resolved_on]
        figures = []
        for indicator in action.indicators.all():
            latest, previous = last_periods(indicator, reference_day(plan, today))
            figures.append(
                (indicator, value_for(indicator, latest), value_for(indicator, previous))
            )
        rows.append(
            {
                "action": action,
                "status": action_status(steps, today),
                "due": due,
                "blockers": blockers,
                "figures": figures,
            }
        )
    return rows


def presented_table(plan: Plan, today: date) -> dict:
    """The tracking table as plain text cells, for PDF, ODS and XLSX."""
    body = []
    for row in tracking_rows(plan, today):
        figures = "; ".join(
            f"{i.name} : {_fmt(v)} (avant : {_fmt(p)})" for i, v, p in row["figures"]
        )
        body.append(
            [
                str(row["action"].number),
                row["action"].title,
                STATUS_LABELS[row["status"]],
                "; ".join(f"{s.text} ({s.period_label or 'sans date'})" for s in row["due"]),
                "; ".join(f"{b.description} — {b.owner}" for b in row["blockers"]),
                figures,
            ]
        )
    return {
        "title": f"Tableau de suivi au {today:%d/%m/%Y}",
        "columns": [
            "Action",
            "Intitulé",
            "État",
            "Étapes dues",
            "Freins ouverts",
            "Indicateurs (dernière période, précédente)",
        ],
        "rows": body,
    }


def _fmt(value):
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return f"{value.normalize():f}".replace(".", ",")


def evaluation(plan: Plan, year: int) -> list[dict]:
    """Per axis, for the strategic committee: steps planned in the year and done, blocked,
    late; blockers raised and lifted."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    result = []
    for axis in Axis.objects.filter(plan=plan).prefetch_related("objectives__actions"):
        steps = Step.objects.filter(action__objective__axis=axis, planned_end__range=(first, last))
        figures = steps.aggregate(
            planned=Count("id"),
            done=Count("id", filter=Q(status=StepStatus.DONE)),
            blocked=Count("id", filter=Q(status=StepStatus.BLOCKED)),
            late=Count(
                "id",
                filter=~Q(status__in=[StepStatus.DONE, StepStatus.BLOCKED])
                & Q(planned_end__lt=date.today()),
            ),
        )
        blockers = Blocker.objects.filter(step__action__objective__axis=axis)
        figures["raised"] = blockers.filter(raised_on__range=(first, last)).count()
        figures["lifted"] = blockers.filter(resolved_on__range=(first, last)).count()
        result.append({"axis": axis, **figures})
    return result


def progress(plan: Plan) -> list[dict]:
    """Share of steps done per objective, by the database."""
    rows = (
        Objective.objects.filter(axis__plan=plan)
        .annotate(
            total=Count("actions__steps"),
            done=Count("actions__steps", filter=Q(actions__steps__status=StepStatus.DONE)),
        )
        .order_by("axis__number", "number")
    )
    return [
        {
            "objective": o,
            "total": o.total,
            "done": o.done,
            "pct": round(100 * o.done / o.total) if o.total else 0,
        }
        for o in rows
    ]


@transaction.atomic
def copy_plan(source: Plan, *, name: str, start_year: int, end_year: int, actions) -> Plan:
    """A new plan (e.g. 'étape 2') with the chosen actions of an earlier one: their axes,
    objectives, texts and indicator definitions; steps and values start afresh."""
    new = Plan.objects.create(
        name=name, start_year=start_year, end_year=end_year, source=f"Repris de : {source.name}"
    )
    new.organisations.set(source.organisations.all())
    new.funders.set(source.funders.all())
    axes, objectives = {}, {}
    for action in actions.select_related("objective__axis").order_by("number"):
        old_axis, old_obj = action.objective.axis, action.objective
        if old_axis.pk not in axes:
            axes[old_axis.pk] = Axis.objects.create(
                plan=new, number=old_axis.number, title=old_axis.title
            )
        if old_obj.pk not in objectives:
            objectives[old_obj.pk] = Objective.objects.create(
                axis=axes[old_axis.pk], number=old_obj.number, title=old_obj.title
            )
        copy = Action.objects.create(
            objective=objectives[old_obj.pk],
            number=action.number,
            title=action.title,
            objective_text=action.objective_text,
            pilots_funders=action.pilots_funders,
            operators=action.operators,
            copied_from=action,
        )
        copy.editors.set(action.editors.all())
        for indicator in action.indicators.all():
            Indicator.objects.create(
                action=copy,
                name=indicator.name,
                unit=indicator.unit,
                periodicity=indicator.periodicity,
                responsible=indicator.responsible,
                source=indicator.source,
            )
    return new


# --- Plan administrators: granted by a plan administrator, in the plan's steering group only.


def plan_administrators(plan: Plan):
    """The plan administrator memberships of the plan's steering-group organisations,
    invitations waiting for an answer included."""
    return (
        Membership.objects.filter(
            role=Role.STEERING_ADMIN, organisation__in=plan.organisations.all()
        )
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__email")
    )


@transaction.atomic
def grant_plan_admin(
    actor: Actor,
    plan: Plan,
    organisation: Organisation,
    email: str,
    *,
    full_name: str = "",
    base_url: str,
) -> Membership:
    """Invite an address to administer the plan, in one of its steering-group organisations
    (an organisation outside the steering group never gets the role). Like any addition to an
    organisation it is an invitation (accounts.services.add_member): a new address gets an
    account and an activation e-mail, an existing account an invitation e-mail, and the role
    is active once its owner accepts. Journaled on the membership and on the plan. Raises
    ValidationError (French) when the role cannot be given; MailNotSent rolls everything back."""
    if not plan.organisations.filter(pk=organisation.pk).exists():
        raise ValidationError(
            "Ce rôle ne se donne que dans une structure du comité de pilotage du plan."
        )
    email = (email or "").strip()
    existing = (
        Membership.objects.select_for_update()
        .filter(user__email__iexact=email, organisation=organisation)
        .first()
    )
    if existing is not None:
        if existing.role != Role.STEERING_ADMIN:
            raise ValidationError(
                "Cette adresse a déjà un autre rôle dans cette structure (un seul rôle par "
                "structure) : choisissez une autre structure du comité de pilotage."
            )
        if existing.invitation_pending:
            raise ValidationError("Une invitation attend déjà la réponse de cette adresse.")
        if existing.is_active:
            raise ValidationError("Cette adresse administre déjà le plan pour cette structure.")
        raise ValidationError(
            "L'administration de la structure a désactivé ce rôle : voyez avec elle."
        )
    membership = account_services.add_member(
        actor,
        organisation,
        email=email,
        full_name=full_name,
        role=Role.STEERING_ADMIN,
        teams=[],
        base_url=base_url,
    )
    record(
        actor,
        AuditAction.UPDATE,
        plan,
        label=plan.name,
        organisation=organisation,
        step="plan_admin_invited",
        membership=membership.pk,
    )
    return membership


@transaction.atomic
def withdraw_plan_admin(actor: Actor, plan: Plan, membership: Membership) -> None:
    """Take the role back. Nobody withdraws their own: a plan keeps an administrator who
    can hand the role on."""
    if (
        membership.role != Role.STEERING_ADMIN
        or not plan.organisations.filter(pk=membership.organisation_id).exists()
    ):
        raise ValidationError("Ce rôle n'est pas un rôle d'administration de ce plan.")
    if actor.user is not None and membership.user_id == actor.user.pk:
        raise ValidationError(
            "Vous ne pouvez pas retirer votre propre rôle : demandez-le à une autre "
            "administratrice ou un autre administrateur du plan."
        )
    record(
        actor,
        AuditAction.UPDATE,
        membership,
        organisation=membership.organisation,
        label=membership.user.email,
        role=Role.STEERING_ADMIN,
        plan=plan.pk,
        step="role_withdrawn",
    )
    record(
        actor,
        AuditAction.UPDATE,
        plan,
        label=plan.name,
        organisation=membership.organisation,
        step="plan_admin_withdrawn",
        membership=membership.pk,
    )
    membership.teams.clear()
    membership.delete()
    access.forget(membership.user)


@transaction.atomic
def add_meeting(actor: Actor, plan: Plan, *, kind: str, date) -> Meeting:
    """A plan committee reuses the committees' meeting (agenda, minutes, decisions carried),
    held by the administrator's steering-group organisation, all of the group attending."""
    organisation = (
        access.organisations(actor.user, roles=PLAN_ADMIN_ROLES)
        .filter(plans=plan)
        .order_by("pk")
        .first()
    )
    if organisation is None:
        raise ValidationError("Seule l'administration du plan ajoute ses comités.")
    meeting = Meeting.objects.create(organisation=organisation, plan=plan, kind=kind, date=date)
    meeting.attendee_organisations.set(plan.organisations.all())
    record(actor, AuditAction.CREATE, meeting, label=str(meeting))
    return meeting
