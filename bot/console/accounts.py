"""Staff accounts from the command line; there is no default account.

    python -m bot.console.accounts create rahima --name "Rahima Begum" --role staff
    python -m bot.console.accounts set-password rahima
    python -m bot.console.accounts deactivate rahima
    python -m bot.console.accounts list

Passwords are asked twice without echo, or read from standard input with
``--password-stdin`` (for scripts). ``make staff-account`` wraps ``create``.
"""

from __future__ import annotations

import argparse
import getpass
import re
import sys
from typing import Callable, List, Optional, Sequence, TextIO

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from bot.console.passwords import WeakPasswordError, check_password_strength, hash_password
from bot.settings import get_settings
from bot.storage import repository
from bot.storage.engine import engine_for, session_factory
from bot.storage.models import STAFF_ROLES, StaffAccount, StaffSession

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")


class AccountError(ValueError):
    """The command cannot be carried out; the message says why."""


def valid_username(raw: str) -> str:
    """A lower-case username of 2-64 letters, digits, dots, dashes or underscores."""
    username = raw.strip().lower()
    if not USERNAME.fullmatch(username):
        raise AccountError("username: 2-64 characters, letters, digits, '.', '-' or '_'")
    return username


def read_password(
    password_stdin: bool, stdin: TextIO, prompt: Callable[[str], str] = getpass.getpass
) -> str:
    """The new password, from standard input or asked twice without echo."""
    if password_stdin:
        password = stdin.readline().rstrip("\n")
    else:
        password = prompt("New password: ")
        if prompt("Repeat it: ") != password:
            raise AccountError("the two passwords differ")
    try:
        check_password_strength(password)
    except WeakPasswordError as error:
        raise AccountError(f"password: {error}") from error
    return password


def create_account(url: str, username: str, display_name: str, role: str, password: str) -> int:
    """Create a staff account; returns its id."""
    if role not in STAFF_ROLES:
        raise AccountError(f"role must be one of {', '.join(STAFF_ROLES)}")
    display_name = " ".join(display_name.split())
    if not display_name or len(display_name) > 120:
        raise AccountError("name: 1-120 characters")
    engine = engine_for(url)
    try:
        with session_factory(engine).begin() as session:
            account = repository.create_staff(
                session=session,
                username=valid_username(username),
                display_name=display_name,
                password_hash=hash_password(password),
                role=role,
            )
            repository.add_audit(
                session=session,
                actor_id=None,
                action="account.created",
                target=f"staff:{account.id}",
                details={"role": role},
            )
            return account.id
    except IntegrityError as error:
        raise AccountError(f"an account named {username!r} already exists") from error
    finally:
        engine.dispose()


def _account(session: sa.orm.Session, username: str) -> StaffAccount:
    account = repository.staff_by_username(session=session, username=valid_username(username))
    if account is None:
        raise AccountError(f"no account named {username!r}")
    return account


def set_password(url: str, username: str, password: str) -> None:
    """Replace an account's password and end its console sessions."""
    engine = engine_for(url)
    try:
        with session_factory(engine).begin() as session:
            account = _account(session, username)
            account.password_hash = hash_password(password)
            session.execute(sa.delete(StaffSession).where(StaffSession.staff_id == account.id))
            repository.add_audit(
                session=session,
                actor_id=None,
                action="account.password_changed",
                target=f"staff:{account.id}",
            )
    finally:
        engine.dispose()


def deactivate(url: str, username: str) -> None:
    """Stop an account from signing in (it is kept for the history it wrote)."""
    engine = engine_for(url)
    try:
        with session_factory(engine).begin() as session:
            account = _account(session, username)
            account.is_active = False
            session.execute(sa.delete(StaffSession).where(StaffSession.staff_id == account.id))
            repository.add_audit(
                session=session,
                actor_id=None,
                action="account.deactivated",
                target=f"staff:{account.id}",
            )
    finally:
        engine.dispose()


def list_accounts(url: str) -> List[str]:
    """One line per account: username, role, active, name."""
    engine = engine_for(url)
    try:
        with session_factory(engine)() as session:
            accounts = session.execute(sa.select(StaffAccount).order_by(StaffAccount.username))
            return [
                f"{a.username}\t{a.role}\t{'active' if a.is_active else 'inactive'}\t"
                f"{a.display_name}"
                for a in accounts.scalars()
            ]
    finally:
        engine.dispose()


def main(argv: Optional[Sequence[str]] = None, stdin: TextIO = sys.stdin) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m bot.console.accounts", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="create a staff account")
    create.add_argument("username")
    create.add_argument("--name", required=True, help="the name colleagues see")
    create.add_argument("--role", choices=STAFF_ROLES, default="staff")
    create.add_argument("--password-stdin", action="store_true")
    password = commands.add_parser("set-password", help="replace a password")
    password.add_argument("username")
    password.add_argument("--password-stdin", action="store_true")
    commands.add_parser("deactivate", help="stop an account signing in").add_argument("username")
    commands.add_parser("list", help="list the accounts")
    args = parser.parse_args(argv)
    url = get_settings().database_url
    try:
        if args.command == "create":
            secret = read_password(args.password_stdin, stdin)
            create_account(url, args.username, args.name, args.role, secret)
            print(f"Created {args.role} account {valid_username(args.username)!r}.")
        elif args.command == "set-password":
            set_password(url, args.username, read_password(args.password_stdin, stdin))
            print("Password changed; the account's console sessions were ended.")
        elif args.command == "deactivate":
            deactivate(url, args.username)
            print("Account deactivated.")
        else:
            print("\n".join(list_accounts(url)) or "No accounts yet.")
    except AccountError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except sa.exc.OperationalError as error:
        print(f"error: database not ready ({error.orig}); run `make migrate`", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
