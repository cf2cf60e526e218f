"""Rasa's Redis lock store with atomic ticket operations, safe across Rasa servers.

Rasa 3.6's ``RedisLockStore`` keeps a conversation's ticket lock as one JSON
value and changes it by reading it, changing it in Python and writing it
back (RasaHQ/rasa#9213). Two Rasa servers doing that at the same moment can
issue the same ticket number twice (both messages then run at once) or
overwrite each other's ticket (one message fails with ``LockError``), and a
``cleanup`` can delete a lock another server has just queued on.

:class:`AtomicRedisLockStore` keeps Rasa's value format (so ``get_lock`` and
Rasa's waiting loop are unchanged) but does every read-modify-write inside
Redis, as a Lua script: issuing a ticket, dropping expired tickets, and
finishing a ticket (deleting the lock when nobody else waits). Expiry uses
the caller's clock, as Rasa's ``Ticket.has_expired`` does, and each lock
key expires by itself shortly after its last ticket.
"""

from __future__ import annotations

import time
from typing import Tuple

from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore

# The Lua side of Rasa's TicketLock: tickets are JSON strings inside the JSON value.
_LUA_HELPERS = """
local function load(key)
  local raw = redis.call('GET', key)
  if not raw then return nil end
  local lock = cjson.decode(raw)
  local tickets = {}
  for _, text in ipairs(lock['tickets'] or {}) do
    table.insert(tickets, cjson.decode(text))
  end
  return lock['conversation_id'], tickets
end

local function unexpired(tickets, now)
  local kept = {}
  for _, ticket in ipairs(tickets) do
    if tonumber(ticket['expires']) >= now then table.insert(kept, ticket) end
  end
  return kept
end

-- Saves the lock, or deletes it when no ticket is left. The key outlives
-- its last ticket by a minute, then Redis drops it.
local function save(key, conversation_id, tickets, now)
  if #tickets == 0 then
    redis.call('DEL', key)
    return
  end
  local texts = {}
  local last_expiry = now
  for _, ticket in ipairs(tickets) do
    table.insert(texts, cjson.encode({number = ticket['number'], expires = ticket['expires']}))
    last_expiry = math.max(last_expiry, tonumber(ticket['expires']))
  end
  local value = cjson.encode({conversation_id = conversation_id, tickets = texts})
  local ttl = math.ceil(last_expiry - now) + 60
  redis.call('SET', key, value, 'EX', ttl)
end
"""

# KEYS[1] lock key; ARGV: conversation id, now, lifetime. Returns the new
# ticket and the ticket now served (the lock's first), as Rasa's get_lock
# would read it right after.
ISSUE_TICKET = (
    _LUA_HELPERS
    + """
local now = tonumber(ARGV[2])
local conversation_id, tickets = load(KEYS[1])
tickets = unexpired(tickets or {}, now)
local number = 0
if #tickets > 0 then number = tonumber(tickets[#tickets]['number']) + 1 end
table.insert(tickets, {number = number, expires = now + tonumber(ARGV[3])})
save(KEYS[1], conversation_id or ARGV[1], tickets, now)
return {number, tonumber(tickets[1]['number'])}
"""
)

# KEYS[1] lock key; ARGV: now. Drops expired tickets.
REMOVE_EXPIRED = (
    _LUA_HELPERS
    + """
local now = tonumber(ARGV[1])
local conversation_id, tickets = load(KEYS[1])
if conversation_id == nil and tickets == nil then return 0 end
save(KEYS[1], conversation_id, unexpired(tickets, now), now)
return 1
"""
)

# KEYS[1] lock key; ARGV: ticket number, now. Removes the ticket; deletes the
# lock if no unexpired ticket is left. Returns how many tickets remain.
FINISH_TICKET = (
    _LUA_HELPERS
    + """
local number = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local conversation_id, tickets = load(KEYS[1])
if tickets == nil then return 0 end
local kept = {}
for _, ticket in ipairs(unexpired(tickets, now)) do
  if tonumber(ticket['number']) ~= number then table.insert(kept, ticket) end
end
save(KEYS[1], conversation_id, kept, now)
return #kept
"""
)


class AtomicRedisLockStore(RedisLockStore):
    """``RedisLockStore`` whose ticket changes are single Lua scripts (see the module)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        """Takes ``RedisLockStore``'s arguments; registers the scripts (loaded on first use)."""
        super().__init__(*args, **kwargs)
        self._issue = self.red.register_script(ISSUE_TICKET)
        self._remove_expired = self.red.register_script(REMOVE_EXPIRED)
        self._finish = self.red.register_script(FINISH_TICKET)

    def _key(self, conversation_id: str) -> str:
        return self.key_prefix + conversation_id

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Queue a new ticket for ``conversation_id`` and return its number, atomically."""
        return self.issue_ticket_and_check(conversation_id, lock_lifetime)[0]

    def issue_ticket_and_check(
        self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME
    ) -> Tuple[int, bool]:
        """Queue a new ticket; its number, and whether it is served now (nobody ahead).

        One round trip where Rasa's ``lock`` makes two: the second, ``get_lock``,
        is needed only when another ticket is ahead.
        """
        try:
            number, serving = self._issue(
                keys=[self._key(conversation_id)],
                args=[conversation_id, repr(time.time()), repr(float(lock_lifetime))],
            )
        except Exception as error:
            # Rasa's own store wraps every failure the same way.
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error
        return int(number), int(number) == int(serving)

    def update_lock(self, conversation_id: str) -> None:
        """Drop ``conversation_id``'s expired tickets, atomically."""
        self._remove_expired(keys=[self._key(conversation_id)], args=[repr(time.time())])

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        """Remove ticket ``ticket_number`` (deleting the lock if it was the last one)."""
        self._finish(
            keys=[self._key(conversation_id)], args=[int(ticket_number), repr(time.time())]
        )

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Finish the ticket; the lock goes only if nobody queued meanwhile (one script)."""
        self.finish_serving(conversation_id, ticket_number)
