"""The phone menu's keys, read from the directory: which key on the IVR's line leads where."""

from __future__ import annotations

from dataclasses import dataclass

from routing.core.model import Contact, Directory, Phone


@dataclass(frozen=True)
class MenuOption:
    key: str
    contact: Contact
    phone: Phone



def menu_options(directory: Directory) -> tuple[MenuOption, ...]:
    """The keys of the IVR's line, in key order: each contact phone on ``ivr.line`` with keys."""
    options = [
        MenuOption(phone.keys, contact, phone)
        for contact in directory.contacts
        for phone in contact.phones
        if phone.number == directory.ivr.line and phone.keys
    ]
    return tuple(sorted(options, key=lambda option: key_order(option.key)))


def key_order(keys: str) -> tuple[int, str]:
    # "10" after "9", as a caller reads a menu.
    return (len(keys), keys)
