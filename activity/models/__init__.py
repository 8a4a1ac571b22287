from activity.models.awareness import (
    AlternativeActivity,
    AlternativeKind,
    AwarenessAttendance,
    AwarenessSession,
)
from activity.models.partners import Domain, Partner, PartnerNote, Worksite
from activity.models.pay import Contract, Payment, PaymentMethod
from activity.models.programme import Enrolment, Programme
from activity.models.sessions import Attendance, Participation, WorkSession
from activity.models.stats import ProgrammeStat

__all__ = [
    "AlternativeActivity",
    "AlternativeKind",
    "Attendance",
    "AwarenessAttendance",
    "AwarenessSession",
    "Contract",
    "Domain",
    "Enrolment",
    "Partner",
    "PartnerNote",
    "Participation",
    "Payment",
    "PaymentMethod",
    "Programme",
    "WorkSession",
    "ProgrammeStat",
    "Worksite",
]
