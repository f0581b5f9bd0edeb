"""The phone menu as TwiML, built from the directory and the rules engine's Decision.

Pure: the directory, the call's progress, the Decision and the instant come
in; a ``VoiceResponse`` comes out. ``ivr_web.py`` does the HTTP and the
signature check. Every wording comes from ``directory.ivr`` or is assembled
from the directory's names, numbers, keys and hours, so nothing here knows a
fact about the business.

Every response ends in a Dial, a Hangup, or a Redirect carrying a count that
only grows (``CallState``), and the count is capped, so no call loops forever.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

from twilio.twiml.voice_response import VoiceResponse

from routing.core.hours import HoursStatus, spoken_next_open, status
from routing.core.model import Contact, ContactKind, Directory, HoursKind, Phone, Topic
from routing.core.phone_menu import menu_options
from routing.core.rules import Decision
from routing.present.topic_words import echoes, is_task, named, spoken, subjects
from routing.present.topic_words import phrase as title_phrase

MENU_PATH = "/ivr/menu"
GATHER_PATH = "/ivr/gather"
TRANSFER_PATH = "/ivr/transfer"

# Each "w" waits half a second: the far end's own menu needs a moment to
# answer before it can hear the keys we send on the caller's behalf.
DIAL_WAIT = "wwww"

# However often a caller presses the repeat key, the call moves on after this
# many prompts; failures alone end it sooner (``directory.ivr.max_failures``).
MAX_TURNS = 8

# Twilio accepts hundreds of hints, but a short list of the words callers
# actually use recognises better than a long one.
MAX_HINTS = 40
MAX_HINT_WORDS = 3

# Top-level domains read as words; every other short label is spelled out.
_SAID_AS_WORDS = frozenset({"com", "org", "net", "gov", "edu", "info"})
_SPOKEN_MARKS = {"-": "dash", ".": "dot", "_": "underscore", "+": "plus", "/": "slash"}


@dataclass(frozen=True)
class CallState:
    """How far a call has got; it travels in the URLs Twilio calls back."""

    failures: int = 0
    turn: int = 0

    def next_turn(self) -> CallState:
        return replace(self, turn=self.turn + 1)

    def failed(self) -> CallState:
        return CallState(failures=self.failures + 1, turn=self.turn + 1)

    def url(self, path: str) -> str:
        return f"{path}?{urlencode({'failures': self.failures, 'turn': self.turn})}"

    @classmethod
    def from_query(cls, params: Any) -> CallState:
        return cls(failures=_count(params.get("failures")), turn=_count(params.get("turn")))


def _count(raw: object) -> int:
    # Only Twilio calls these URLs (they are signed), but a malformed count must
    # still end the call cleanly rather than raise.
    try:
        return max(0, min(int(str(raw)), 1000))
    except ValueError:
        return 0


# -- the menu -------------------------------------------------------------------


def menu_sentences(directory: Directory) -> list[str]:
    options = [option_sentence(option.contact, option.key) for option in menu_options(directory)]
    return [*options, f"To hear these options again, press {directory.ivr.repeat_key}."]


def option_sentence(contact: Contact, key: str) -> str:
    """One menu option that says what the team does: "For billing and eligibility questions, the California Service Center, press" its key."""
    what = spoken(subjects(contact))
    if not what or echoes(what, contact):
        return f"For {named(contact)}, press {key}."
    lead = "To" if is_task(what) else "For"
    return f"{lead} {what}, {named(contact)}, press {key}."


def said_back(contact: Contact, topic: Topic) -> str:
    """What the caller was understood to want, so a caller who was misheard can hang up before waiting on hold."""
    what = spoken(title_phrase(topic.title))
    if echoes(what, contact):
        return f"{named(contact, start=True)} can help with that."
    verb = "can help you" if is_task(what) else "handles"
    return f"{named(contact, start=True)} {verb} {what}."


def speech_hints(directory: Directory) -> str:
    """What callers are likely to say, for Twilio's speech recogniser: team names, then the
    directory's own words for things, then the short phrases its topics list."""
    # Every prompt carries the hints; work them out once per directory version.
    hints = _hints_by_version.get(directory.version)
    if hints is None:
        if len(_hints_by_version) >= 8:
            _hints_by_version.clear()
        hints = _hints_by_version[directory.version] = _collect_hints(directory)
    return hints


_hints_by_version: dict[str, str] = {}


def _collect_hints(directory: Directory) -> str:
    team_names = [option.contact.name for option in menu_options(directory)]
    candidates = list(team_names)
    candidates += [_as_said(canonical, variants) for canonical, variants in directory.synonyms]
    candidates += [
        word
        for contact in directory.contacts
        if contact.kind is not ContactKind.EMERGENCY_LINE
        for topic in contact.topics
        for word in topic.words
    ]
    hints: list[str] = []
    seen: set[str] = set()
    for phrase in candidates:
        cleaned = " ".join(phrase.replace("-", " ").split())
        if not cleaned or not all(c.isalnum() or c in " '" for c in cleaned):
            continue
        if len(cleaned.split()) > MAX_HINT_WORDS and phrase not in team_names:
            continue
        if cleaned.lower() in seen:
            continue
        seen.add(cleaned.lower())
        hints.append(cleaned)
        if len(hints) == MAX_HINTS:
            break
    return ", ".join(hints)


def _as_said(canonical: str, variants: tuple[str, ...]) -> str:
    # Some canonical words are joined up for matching ("idcard"); a recogniser
    # wants them the way people say them ("id card").
    joined = canonical.replace(" ", "").replace("-", "")
    return next((v for v in variants if v.replace(" ", "").replace("-", "") == joined), canonical)


def menu(directory: Directory, state: CallState, lead: tuple[str, ...] = ()) -> VoiceResponse:
    """The prompt: a Gather for a key or a few words, then a Redirect for when the caller says nothing.

    The greeting is said on the first turn only; later turns go straight to the options.
    """
    ivr = directory.ivr
    response = VoiceResponse()
    gather = response.gather(
        input="dtmf speech",
        num_digits=1,
        action=state.url(GATHER_PATH),
        method="POST",
        language=ivr.language,
        hints=speech_hints(directory),
        speech_timeout="auto",
    )
    opening = [ivr.greeting] if state.turn == 0 else []
    for sentence in (*lead, *opening, ivr.menu_intro, *menu_sentences(directory)):
        gather.say(sentence, language=ivr.language)
    # Twilio falls through to the next verb when the Gather times out silently.
    response.redirect(state.failed().url(MENU_PATH), method="POST")
    return response


def silence(directory: Directory, state: CallState, now: datetime) -> VoiceResponse:
    """The caller said and pressed nothing: the prompt again, until the tries run out."""
    if _exhausted(directory, state):
        return give_up(directory, now)
    return menu(directory, state)


def pressed(directory: Directory, digits: str, state: CallState, now: datetime) -> VoiceResponse:
    if digits == directory.ivr.repeat_key:
        following = state.next_turn()
        return give_up(directory, now) if _exhausted(directory, following) else menu(directory, following)
    option = next((o for o in menu_options(directory) if o.key == digits), None)
    if option is None:
        return not_understood(directory, state, now)
    return connect(directory, option.contact, now)


def heard(directory: Directory, decision: Decision, state: CallState, now: datetime) -> VoiceResponse:
    """Speech, after the rules engine decided on it with channel ``ivr``."""
    if decision.safety or decision.contact.kind is ContactKind.EMERGENCY_LINE:
        return emergency(directory, state)
    if decision.fallback or not decision.confident:
        return not_understood(directory, state, now)
    return connect(directory, decision.contact, now, decision=decision)


def not_understood(directory: Directory, state: CallState, now: datetime) -> VoiceResponse:
    following = state.failed()
    sorry = (directory.ivr.not_understood,)
    if _exhausted(directory, following):
        return give_up(directory, now, lead=sorry)
    return menu(directory, following, lead=sorry)


def _exhausted(directory: Directory, state: CallState) -> bool:
    return state.failures >= directory.ivr.max_failures or state.turn >= MAX_TURNS


def give_up(directory: Directory, now: datetime, lead: tuple[str, ...] = ()) -> VoiceResponse:
    """Out of tries: the general line if it is open, otherwise its after-hours message."""
    return connect(directory, directory.contact(directory.fallback), now, lead=lead)


# -- reaching a contact -------------------------------------------------------------


def connect(directory: Directory, contact: Contact, now: datetime, decision: Decision | None = None, lead: tuple[str, ...] = ()) -> VoiceResponse:
    """Transfer to the contact when it is open; otherwise tell the caller what to do instead."""
    if contact.kind is ContactKind.EMERGENCY_LINE:
        return emergency(directory)
    phone = dial_phone(directory, contact)
    if phone is None:
        return website(directory, contact, now, decision, lead)
    found = status(contact.hours_for(phone), directory.holidays, now)
    sentences = list(lead)
    topic = decision.topic if decision is not None else None
    if topic is not None:
        sentences.append(said_back(contact, topic))
    if found.open_now is False:
        return closed(directory, contact, found, now, decision, sentences, named_already=topic is not None)
    if found.open_now is None:
        # The sources do not list these hours. The line may well be answered,
        # so the caller is put through rather than turned away on a guess.
        sentences.append(f"The hours of {named(contact)} are not listed, so I will try to connect you now.")
    else:
        sentences.append("Please hold while I connect you." if topic is not None else f"I will connect you to {named(contact)}. Please hold.")
    response = _say(directory, VoiceResponse(), sentences)
    dial(response, phone)
    return response


def dial_phone(directory: Directory, contact: Contact) -> Phone | None:
    """The contact's option on the IVR's own line when it has one, else its first number."""
    on_line = next((p for p in contact.phones if p.number == directory.ivr.line), None)
    return on_line or (contact.phones[0] if contact.phones else None)


def dial(response: VoiceResponse, phone: Phone) -> None:
    send_digits = DIAL_WAIT + phone.keys if phone.keys else None
    response.dial().number(phone.number, send_digits=send_digits)


def closed(
    directory: Directory,
    contact: Contact,
    found: HoursStatus,
    now: datetime,
    decision: Decision | None,
    lead: list[str],
    named_already: bool = False,
) -> VoiceResponse:
    """What to do instead: when it opens, where to write, and what can be done online meanwhile."""
    sentences = list(lead)
    when = f"today for {found.closed_for}" if found.closed_for else "now"
    sentences.append(f"{'It' if named_already else named(contact, start=True)} is closed {when}.")
    opens = spoken_next_open(found, now)
    if opens:
        sentences.append(f"It opens {opens}.")
    if contact.emails:
        email = contact.emails[0]
        include = f", and include your {' and '.join(email.include)}" if email.include else ""
        spoken = speakable(email.address)
        sentences.append(f"You can email {spoken}{include}. Again, that is {spoken}.")
    sentences += self_service_sentences(directory, contact, decision)
    return goodbye(directory, sentences)


def self_service_sentences(directory: Directory, contact: Contact, decision: Decision | None) -> list[str]:
    """Where the task can be done online, when the directory says it can."""
    if decision is not None and decision.self_service is not None:
        site, where = decision.self_service.contact, decision.self_service.topic.where
        return [f"You can also do this yourself online{_any_time(site)} at {_spoken_site(site)}{_under(site, where)}."]
    sites = [c for c in (decision.alternatives if decision else ()) if c.kind is ContactKind.SELF_SERVICE_SITE]
    sites += [directory.topic(t.self_service)[0] for t in contact.topics if t.self_service]
    if not sites and contact.kind in (ContactKind.TEAM, ContactKind.HELP_LINE):
        # A team without do-it-yourself topics of its own (the general line) still
        # serves employers who can do much of their business on the site.
        sites = [c for c in directory.contacts if c.kind is ContactKind.SELF_SERVICE_SITE]
    if sites:
        return [f"Many requests can also be done online{_any_time(sites[0])} at {_spoken_site(sites[0])}."]
    return []


def website(directory: Directory, site: Contact, now: datetime, decision: Decision | None, lead: tuple[str, ...]) -> VoiceResponse:
    """A contact without a phone: say where on which site, then offer a team that is open."""
    sentences = list(lead)
    topic = None
    if decision is not None:
        topic = decision.self_service.topic if decision.self_service else decision.topic
    sentences.append(website_sentence(site, topic))
    team = next((c for c in (decision.alternatives if decision else ()) if _open_phone(directory, c, now)), None)
    if team is None:
        return goodbye(directory, sentences)
    response = _say(directory, VoiceResponse(), sentences)
    offer = response.gather(input="dtmf", num_digits=1, action=f"{TRANSFER_PATH}?{urlencode({'to': team.id})}", method="POST")
    offer.say(f"To speak with {named(team)} instead, press any key now.", language=directory.ivr.language)
    _say(directory, response, [directory.ivr.goodbye]).hangup()
    return response


def website_sentence(site: Contact, topic: Topic | None) -> str:
    """Where on the site a task is done: "You can order member ID cards yourself online, any time, at …"."""
    where = _under(site, topic.where) if topic is not None and site.url else ""
    place = f" online{_any_time(site)} at {_spoken_site(site)}{where}" if site.url else f" on {site.name}"
    if topic is None:
        return f"You can do this yourself{place}."
    what = spoken(title_phrase(topic.title))
    if is_task(what):
        # "complete renewal changes online" would read "online yourself online".
        return f"You can {what.removesuffix(' online')} yourself{place}."
    return f"For {what}, you can help yourself{place}."


def _open_phone(directory: Directory, contact: Contact, now: datetime) -> bool:
    phone = dial_phone(directory, contact)
    if phone is None or contact.kind is ContactKind.EMERGENCY_LINE:
        return False
    return status(contact.hours_for(phone), directory.holidays, now).open_now is True


def transfer(directory: Directory, contact_id: str, digits: str, now: datetime) -> VoiceResponse:
    """The caller took (or let pass) the offer to speak with a team after hearing about the website."""
    if not digits or not directory.has_contact(contact_id):
        return goodbye(directory, [])
    return connect(directory, directory.contact(contact_id), now)


def emergency(directory: Directory, state: CallState | None = None) -> VoiceResponse:
    """The emergency sentence first, then the menu again: a caller who also needs a team is never hung up on."""
    # Never Dial the emergency number from here: a call bridged through Twilio reaches the
    # dispatcher without the caller's location, and may not connect at all.
    # Asking the caller to dial from their own phone is the safe choice.
    return menu(directory, (state or CallState()).next_turn(), lead=(directory.ivr.emergency,))


def goodbye(directory: Directory, sentences: list[str], sign_off: bool = True) -> VoiceResponse:
    response = _say(directory, VoiceResponse(), [*sentences, *([directory.ivr.goodbye] if sign_off else [])])
    response.hangup()
    return response


def _say(directory: Directory, response: VoiceResponse, sentences: list[str]) -> VoiceResponse:
    for sentence in sentences:
        response.say(sentence, language=directory.ivr.language)
    return response


def _any_time(site: Contact) -> str:
    return ", any time," if site.hours.kind is HoursKind.ALWAYS else ""


def _under(site: Contact, where: str) -> str:
    host = urlsplit(site.url).hostname or ""
    return f", under {where}" if where and where not in (host, site.name) else ""


def _spoken_site(site: Contact) -> str:
    host = urlsplit(site.url).hostname if site.url else ""
    return speakable(host) if host else site.name


# -- saying addresses -------------------------------------------------------------


def speakable(text: str) -> str:
    """An email address or host name as a voice should read it.

    The mailbox part is spelled character by character ("c s c dash s d"),
    since it is rarely a word; a host name keeps its words and spells its
    abbreviations ("account dot k p dot org").
    """
    if "@" in text:
        local, _, domain = text.rpartition("@")
        return f"{spell(local)} at {_host(domain)}"
    return _host(text)


def spell(text: str) -> str:
    return " ".join(_SPOKEN_MARKS.get(char, char) for char in text.lower() if not char.isspace())


def _host(host: str) -> str:
    return " dot ".join(_label(label) for label in host.lower().strip(".").split("."))


def _label(label: str) -> str:
    pronounceable = label.isalpha() and len(label) >= 4 and any(v in label for v in "aeiouy")
    return label if label in _SAID_AS_WORDS or pronounceable else spell(label)
