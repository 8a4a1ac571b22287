from pathways.models.assessments import Assessment, AssessmentKind
from pathways.models.notes import Note, NoteVersion
from pathways.models.pathway import (
    CaseMeeting,
    Exit,
    ExitReason,
    Goal,
    GoalStep,
    Referral,
    ReferralOutcome,
    Service,
)

__all__ = [
    "Assessment", "AssessmentKind", "CaseMeeting", "Exit", "ExitReason", "Goal", "GoalStep",
    "Note", "NoteVersion", "Referral", "ReferralOutcome", "Service",
]  # fmt: skip
