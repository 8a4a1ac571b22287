"""Run by test_sqlite_concurrency.py in a child process on a file SQLite database (the
in-memory test database cannot show file locking): 20 threads post the same payment at
once, each with its own form key, as a phone on a flaky network or two supervisors would.
Prints one JSON line: the status codes and the number of payments stored."""

import json
import sys
import threading
import uuid

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

THREADS = int(sys.argv[1]) if len(sys.argv) > 1 else 20


def main():
    setup_test_environment()
    call_command("migrate", verbosity=0)
    from accounts.models import Membership, OrganisationKind
    from accounts.roles import Role
    from activity.models import Participation, Payment
    from conftest import verified_client
    from tests.factories import OrganisationFactory, PersonFactory, UserFactory, programme_world

    carrier = OrganisationFactory(name="Porteur", kind=OrganisationKind.CARRIER)
    users = {}
    for role in Role:
        user = UserFactory(email=f"{role.value}@test.sentier")
        Membership.objects.create(user=user, organisation=carrier, role=role)
        users[role.value] = user
    person = PersonFactory(organisation=carrier, created_by=users["social_worker"])
    world = programme_world(carrier, users, person)
    participation = world["participation"]
    Participation.objects.filter(pk=participation.pk).update(status="present", hours=3, pay_due=30)
    from django.urls import reverse

    url = reverse("activity:payment", args=[participation.pk])
    clients = [
        verified_client(Client(raise_request_exception=False), users["supervisor"])
        for _ in range(THREADS)
    ]
    connection.close()
    barrier = threading.Barrier(THREADS)
    statuses = []

    def post(client):
        from django.db import connection as own

        data = {
            "key": str(uuid.uuid4()),
            "amount": "30.00",
            "method": "cash",
            "paid_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "receipt_number": "R-1",
        }
        barrier.wait()
        try:
            statuses.append(client.post(url, data).status_code)
        finally:
            own.close()

    threads = [threading.Thread(target=post, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps({"statuses": sorted(statuses), "payments": Payment.objects.count()}))


main()
