"""An urgent handoff asked for while the database is down reaches the staff queue later."""

from __future__ import annotations

import sqlalchemy as sa

from actions.handoff import ActionHandoff
from actions.urgent import ActionUrgentCare
from bot.storage.engine import shared_session_factory
from bot.storage.handoff_outbox import HANDOFF, deliver_queued_handoffs
from bot.storage.journal import journal_for
from bot.storage.models import Handoff

DOWN = "postgresql://nobody@127.0.0.1:1/none"


def queue_rows(url: str) -> list:
    with shared_session_factory(url)() as session:
        query = sa.select(Handoff).order_by(Handoff.urgent.desc(), Handoff.id)
        return [(h.conversation_id, h.reason, h.urgent) for h in session.execute(query).scalars()]


async def test_urgent_handoff_during_an_outage_is_queued_then_delivered_first(
    run_action, clinic_env, clinic_db
) -> None:
    clinic_env(database_url=DOWN)
    messages, _ = await run_action(ActionUrgentCare(), "urgent_leaking_wound", sender_id="red")
    assert messages[0]["response"] == "utter_urgent_care"  # the patient is told at once
    assert len(journal_for(clinic_db).queued(HANDOFF)) == 1

    clinic_env()  # the database is back; the next handoff delivers the queued one first
    await run_action(ActionHandoff(), "faq_typed_vro_recovery", sender_id="later")
    assert queue_rows(clinic_db) == [("red", "urgent", True), ("later", "requested", False)]
    assert journal_for(clinic_db).queued(HANDOFF) == []


async def test_delivering_a_queued_handoff_twice_opens_it_once(
    run_action, clinic_env, clinic_db
) -> None:
    clinic_env(database_url=DOWN)
    await run_action(ActionUrgentCare(), "urgent_leaking_wound", sender_id="red")
    journal = journal_for(clinic_db)
    [item] = journal.queued(HANDOFF)
    # A crash after the commit, before the item was removed: delivered again.
    journal.queue(HANDOFF, item.payload)
    assert deliver_queued_handoffs(journal, clinic_db) == 2
    assert queue_rows(clinic_db) == [("red", "urgent", True)]
