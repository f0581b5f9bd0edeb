"""The phone menu as TwiML, built from the directory and the rules engine's Decision.

Pure: the directory, the call's progress, the Decision and the instant come
in; a ``VoiceResponse`` comes out. ``ivr_web.py`` does the HTTP and the
signature check. Every wording comes from ``directory.ivr`` or is assembled
from the directory's names, numbers, keys and hours, so nothing here knows a
fact about the business.

Every response ends in a Dial, a Hangup, or a Redirect carrying a count that
only grows (``CallState``), and the count is capped, so no call loops forever.

A call is in one language from start to end: English, until the caller presses
a language's key (``ivr.languages``); then the language travels in every URL
Twilio calls back (``lang=es``), each turn runs inside ``i18n.speaking`` of it,
and every Say and Gather carries its voice. The frames of the sentences are
catalog messages; what fills them comes from ``wording``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

from twilio.twiml.voice_response import Gather, VoiceResponse

from routing.core import i18n
from routing.core.hours import HoursStatus, status
from routing.core.i18n import _, pgettext
from routing.core.model import Contact, ContactKind, Directory, HoursKind, Phone, Topic
from routing.core.phone_menu import menu_options
from routing.core.rules import Clarify, Decision
from routing.core.text import tokenize
from routing.present import phone_words as wording
from routing.present.phone_words import line, speakable, spell, translated, voice

__all__ = ["CallState", "speakable", "spell"]

MENU_PATH = "/ivr/menu"
GATHER_PATH = "/ivr/gather"
TRANSFER_PATH = "/ivr/transfer"
CHOOSE_PATH = "/ivr/choose"

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

# The keys of an either/or prompt, first and second: its own two, not the menu's.
CHOICE_KEYS = ("1", "2")

@dataclass(frozen=True)
class CallState:
    """How far a call has got; it travels in the URLs Twilio calls back."""

    failures: int = 0
    turn: int = 0
    # The language the call is in: the one being spoken when the state was made, unless given.
    language: str = field(default_factory=i18n.current)
    # The two topic ids an either/or prompt offers, best first; empty at every other step.
    choice: tuple[str, ...] = ()

    def next_turn(self) -> CallState:
        return replace(self, turn=self.turn + 1)

    def failed(self) -> CallState:
        return replace(self, failures=self.failures + 1, turn=self.turn + 1)

    def url(self, path: str) -> str:
        # The choice rides in the signed URL like the counts: a retried callback offers the same two, and a changed one is refused.
        choice = {"choice": ",".join(self.choice)} if self.choice else {}
        return f"{path}?{urlencode({'failures': self.failures, 'turn': self.turn, **language_query(self.language), **choice})}"

    @classmethod
    def from_query(cls, params: Any, directory: Directory | None = None) -> CallState:
        """The state from a callback URL; a language the menu does not offer is read as the source language."""
        asked = str(params.get("lang") or i18n.SOURCE)
        offered = directory is None or asked in directory.ivr.languages
        language = asked if asked in i18n.LANGUAGES and offered else i18n.SOURCE
        choice = tuple(part for part in str(params.get("choice") or "").split(",") if part)[:2]
        return cls(failures=_count(params.get("failures")), turn=_count(params.get("turn")), language=language, choice=choice)


def language_query(language: str) -> dict[str, str]:
    # An English call's URLs stay as they always were; any other language is named in them.
    return {} if language == i18n.SOURCE else {"lang": language}


def _count(raw: object) -> int:
    # Only Twilio calls these URLs (they are signed), but a malformed count must
    # still end the call cleanly rather than raise.
    try:
        return max(0, min(int(str(raw)), 1000))
    except ValueError:
        return 0


# -- the menu -------------------------------------------------------------------


def menu_sentences(directory: Directory) -> list[str]:
    ivr = directory.ivr
    lines = i18n.localized(ivr, "menu")
    options = [option_sentence(option.contact, option.key, wording.menu_what(option.contact, lines)) for option in menu_options(directory)]
    return [*options, _("To hear these options again, press %(key)s.") % {"key": ivr.repeat_key}]


def option_sentence(contact: Contact, key: str, what: str | None = None) -> str:
    """One menu option that says what the team does: "For billing and eligibility questions, the California Service Center, press" its key.

    ``what`` is the directory's menu line for the team; without it, it is said from the team's topics.
    """
    if what is None:
        what = wording.menu_what(contact, {})
    what = wording.said(what)
    values = {"what": what, "team": wording.team(contact), "key": key}
    if not what or wording.repeats_name(what, contact):
        return _("For %(team)s, press %(key)s.") % values
    if wording.is_task_phrase(what):
        return _("To %(what)s, %(team)s, press %(key)s.") % values
    return _("For %(what)s, %(team)s, press %(key)s.") % values


def said_back(contact: Contact, topic: Topic) -> str:
    """What the caller was understood to want, so a caller who was misheard can hang up before waiting on hold."""
    what = wording.topic_what(topic)
    values = {"team": wording.team(contact, start=True), "what": what}
    if what is None or wording.repeats_name(what, contact):
        return _("%(team)s can help with that.") % values
    if wording.is_task_phrase(what):
        return _("%(team)s can help you %(what)s.") % values
    return _("%(team)s handles %(what)s.") % values


def speech_hints(directory: Directory) -> str:
    """What callers are likely to say, for Twilio's speech recogniser: team names, then the
    directory's own words for things, then the short phrases its topics list, in the call's language."""
    # Every prompt carries the hints; work them out once per directory version and language.
    key = (directory.version, i18n.current())
    hints = _hints_by_version.get(key)
    if hints is None:
        if len(_hints_by_version) >= 8:
            _hints_by_version.clear()
        hints = _hints_by_version[key] = _collect_hints(directory)
    return hints


_hints_by_version: dict[tuple[str, str], str] = {}


def _collect_hints(directory: Directory) -> str:
    team_names = [str(translated(option.contact, "name") or option.contact.name) for option in menu_options(directory)]
    candidates = list(team_names)
    if wording.source():  # an English caller may say the language they want by its own name ("Español")
        candidates += [_language_name(directory, code) for code in directory.ivr.languages if _language_name(directory, code)]
    if wording.source():
        candidates += [_as_said(canonical, variants) for canonical, variants in directory.synonyms]
    else:
        # The synonyms are English; the menu's own lines say in this language what each team does.
        lines = i18n.localized(directory.ivr, "menu") or {}
        candidates += [wording.hint(part) for text in lines.values() for part in wording.listed(str(text))]
    candidates += [
        str(word)
        for contact in directory.contacts
        if contact.kind is not ContactKind.EMERGENCY_LINE
        for topic in contact.topics
        # A topic without words in this language adds none: English hints would only mislead the recogniser.
        for word in (translated(topic, "words") or ())
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


def menu(directory: Directory, state: CallState, lead: tuple[str, ...] = (), greet: bool = False) -> VoiceResponse:
    """The prompt: a Gather for a key or a few words, then a Redirect for when the caller says nothing.

    The greeting is said on the first turn only (or in a newly chosen language); later turns go
    straight to the options. An English prompt offers the other languages right after the greeting,
    each in its own voice, so a caller who missed the offer hears it again.
    """
    ivr = directory.ivr
    spoken_in = voice(ivr)
    response = VoiceResponse()
    gather = _listen(response, state.url(GATHER_PATH), spoken_in, speech_hints(directory), heard="dtmf speech")
    for sentence in (*lead, *([line(ivr, "greeting")] if state.turn == 0 or greet else [])):
        gather.say(sentence, language=spoken_in)
    if state.language == i18n.SOURCE:
        for offered in ivr.languages.values():
            gather.say(offered.offer, language=offered.voice)
    for sentence in (line(ivr, "menu_intro"), *menu_sentences(directory)):
        gather.say(sentence, language=spoken_in)
    # Twilio falls through to the next verb when the Gather times out silently.
    response.redirect(state.failed().url(MENU_PATH), method="POST")
    return response


def _listen(response: VoiceResponse, action: str, spoken_in: str, hints: str, heard: str) -> Gather:
    """A Gather for one key or a few words, in the call's voice, posting to ``action``."""
    gather: Gather = response.gather(
        input=heard, num_digits=1, action=action, method="POST", language=spoken_in, hints=hints, speech_timeout="auto"
    )
    return gather


def silence(directory: Directory, state: CallState, now: datetime) -> VoiceResponse:
    """The caller said and pressed nothing: the prompt again, until the tries run out."""
    if _exhausted(directory, state):
        return give_up(directory, now)
    return menu(directory, state)


def pressed(directory: Directory, digits: str, state: CallState, now: datetime) -> VoiceResponse:
    chosen = next((code for code, offered in directory.ivr.languages.items() if offered.key == digits), None)
    if chosen is not None and state.language == i18n.SOURCE:
        return choose_language(directory, chosen, state)
    if digits == directory.ivr.repeat_key or chosen == state.language:
        # The language key in the language already chosen only plays the menu again: a call never switches back.
        following = state.next_turn()
        return give_up(directory, now) if _exhausted(directory, following) else menu(directory, following)
    option = next((o for o in menu_options(directory) if o.key == digits), None)
    if option is None:
        return not_understood(directory, state, now)
    return connect(directory, option.contact, now)


def _language_name(directory: Directory, code: str) -> str:
    return str(directory.languages.get(code, {}).get("name", ""))


# Said around a language's name by a caller who wants it ("en español, por favor", "um spanish").
_AROUND_A_NAME = 4


def said_language(directory: Directory, speech: str, state: CallState) -> str | None:
    """The language an English caller asked for by saying its own name (the directory's ``languages:`` name), if any.

    Only a short answer counts: "español" or "en español, por favor" chooses Spanish; a question that merely
    mentions the word ("¿tienen formularios en español?") is routed like any other.
    """
    if state.language != i18n.SOURCE:
        return None
    words = tokenize(speech)
    if not words or len(words) > _AROUND_A_NAME:
        return None
    for code in directory.ivr.languages:
        name = tokenize(_language_name(directory, code))
        if name and all(part in words for part in name):
            return code
    return None


def choose_language(directory: Directory, language: str, state: CallState) -> VoiceResponse:
    """The caller pressed a language's key: from here on the whole call is in it, greeting first."""
    with i18n.speaking(language):
        return menu(directory, replace(state, turn=state.turn + 1, language=language), greet=True)


def heard(directory: Directory, decision: Decision, state: CallState, now: datetime) -> VoiceResponse:
    """Speech, after the rules engine decided on it with channel ``ivr``.

    An emergency hears the emergency sentence first; then the call goes on: to the team the caller
    also asked for when the rules found one, else one short prompt with the menu a key away. Never
    simply hung up.
    Two teams that fit about equally are offered as an either/or before anyone is dialled.
    """
    if decision.contact.kind is ContactKind.EMERGENCY_LINE or (decision.safety and (decision.fallback or not decision.confident)):
        return emergency(directory, state, decision, now)
    if decision.offtopic:
        # Understood, only not this help desk's: the caller hears that plainly, not "I didn't get that".
        return not_understood(directory, state, now, lead=(decision.reason,))
    if decision.fallback or not decision.confident:
        return not_understood(directory, state, now)
    if decision.clarify is not None and not decision.safety:
        return either_or(directory, decision.clarify, state)
    lead = (line(directory.ivr, "emergency"),) if decision.safety else ()
    return connect(directory, decision.contact, now, decision=decision, lead=lead)


# -- two teams that fit about equally -------------------------------------------------------------


def either_or(directory: Directory, clarify: Clarify, state: CallState) -> VoiceResponse:
    """ "Is this about X, or about Y?": a key or a word picks one, and silence takes the better fit (the first)."""
    (first, second), (first_topic, second_topic) = clarify.contacts, clarify.topics
    offered = replace(state.next_turn(), choice=(first_topic.id, second_topic.id))
    spoken_in = voice(directory.ivr)
    response = VoiceResponse()
    heard_as = [wording.topic_what(first_topic), wording.topic_what(second_topic)]
    gather = _listen(response, offered.url(CHOOSE_PATH), spoken_in, ", ".join(h for h in heard_as if h), heard="speech dtmf")
    keys = {"first": CHOICE_KEYS[0], "second": CHOICE_KEYS[1]}
    how = _("Say which one, or press %(first)s for the first or %(second)s for the second.") % keys
    for sentence in (wording.either_or(first, first_topic, second, second_topic), how):
        gather.say(sentence, language=spoken_in)
    # Nothing heard: the same callback without an answer, which takes the first.
    response.redirect(offered.url(CHOOSE_PATH), method="POST")
    return response


def chosen(directory: Directory, state: CallState, digits: str, decision: Decision | None, now: datetime) -> VoiceResponse:
    """The answer to an either/or: 1 or the first named, 2 or the second; anything else is the better fit, the first.

    ``decision`` is the rules engine's reading of what the caller said, when they spoke.
    """
    offered = _still_listed(directory, state.choice)
    following = replace(state, choice=())
    if decision is not None and decision.safety:
        return heard(directory, decision, following, now)
    if not offered:
        # The directory changed under the call and neither team is in it any more: the menu again.
        return menu(directory, following.next_turn())
    pick = _picked(offered, digits, decision)
    contact, topic = offered[pick if pick < len(offered) else 0]
    return connect(directory, contact, now, decision=for_topic(decision, contact, topic, now))


def _still_listed(directory: Directory, topic_ids: tuple[str, ...]) -> list[tuple[Contact, Topic]]:
    # The directory may have been reloaded between the prompt and the answer.
    found = []
    for topic_id in topic_ids:
        try:
            found.append(directory.topic(topic_id))
        except KeyError:
            continue
    return found


def _picked(offered: list[tuple[Contact, Topic]], digits: str, decision: Decision | None) -> int:
    if digits in CHOICE_KEYS:
        return CHOICE_KEYS.index(digits)
    if decision is None:
        return 0
    said = wording.ordinal(decision.query)
    if said is not None:
        return said
    # The caller named one: the router's reading of the words decides, by topic, then team, then search order.
    topic_ids = [topic.id for _contact, topic in offered]
    if decision.topic is not None and decision.topic.id in topic_ids:
        return topic_ids.index(decision.topic.id)
    contact_ids = [contact.id for contact, _topic in offered]
    if decision.confident and decision.contact.id in contact_ids:
        return contact_ids.index(decision.contact.id)
    found = [topic_ids.index(t) for t in decision.topics if t in topic_ids]
    return found[0] if found else 0


def for_topic(decision: Decision | None, contact: Contact, topic: Topic | None, now: datetime) -> Decision:
    """A decision for one team and topic the caller settled on, so its answer says that topic back."""
    if decision is None:
        return Decision(query="", channel="ivr", at=now, contact=contact, alternatives=(), reason="", confidence=1.0, topic=topic)
    return replace(decision, contact=contact, topic=topic, alternatives=(), self_service=None, also_needed=(), clarify=None, safety=False)


def not_understood(directory: Directory, state: CallState, now: datetime, lead: tuple[str, ...] = ()) -> VoiceResponse:
    """Nothing to route to: ``lead`` (else the directory's sorry) and the menu again; after too many, the general line."""
    following = state.failed()
    said = lead or (line(directory.ivr, "not_understood"),)
    if _exhausted(directory, following):
        return give_up(directory, now, lead=said)
    return menu(directory, following, lead=said)


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
        return closed(directory, contact, found, now, decision, sentences, named_already=topic is not None, phone=phone)
    if found.open_now is None:
        # The sources do not list these hours. The line may well be answered,
        # so the caller is put through rather than turned away on a guess.
        sentences.append(_("The hours of %(team)s are not listed, so I will try to connect you now.") % {"team": wording.team(contact)})
    elif topic is not None:
        sentences.append(_("Please hold while I connect you."))
    else:
        sentences.append(_("I will connect you to %(team)s. Please hold.") % {"team": wording.team(contact)})
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
    phone: Phone | None = None,
) -> VoiceResponse:
    """What to do instead: when it opens and the number to call then, where to write, and what can be done online meanwhile."""
    sentences = [*lead, closed_sentence(directory, contact, found, named_already)]
    opens = wording.opens_sentence(found, now)
    if opens:
        sentences.append(opens)
        if phone is not None:
            # The assistant answers on a number of its own: the caller may rather call the team straight.
            values = {"number": phone.display, "keys": phone.keys}
            sentences.append((_("Then you can call %(number)s and press %(keys)s.") if phone.keys else _("Then you can call %(number)s.")) % values)
    if contact.emails:
        email = contact.emails[0]
        include = [str(item) for item in translated(email, "include") or ()]
        values = {"address": speakable(email.address), "details": wording.join_and(include)}
        if include:
            sentences.append(_("You can email %(address)s, and include your %(details)s. Again, that is %(address)s.") % values)
        else:
            sentences.append(_("You can email %(address)s. Again, that is %(address)s.") % values)
    sentences += self_service_sentences(directory, contact, decision)
    return goodbye(directory, sentences)


def closed_sentence(directory: Directory, contact: Contact, found: HoursStatus, named_already: bool) -> str:
    """ "The Client Services Unit is closed now.", or "It is closed today for Thanksgiving Day." once it was named."""
    values = {"team": wording.team(contact, start=True), "holiday": found.closed_for and wording.holiday(directory, found.closed_for)}
    if found.closed_for and values["holiday"]:
        return (_("It is closed today for %(holiday)s.") if named_already else _("%(team)s is closed today for %(holiday)s.")) % values
    if found.closed_for:
        # The holiday's name has no translation: say it is a holiday, in the caller's language.
        return (_("It is closed today for a holiday.") if named_already else _("%(team)s is closed today for a holiday.")) % values
    return (_("It is closed now.") if named_already else _("%(team)s is closed now.")) % values


def self_service_sentences(directory: Directory, contact: Contact, decision: Decision | None) -> list[str]:
    """Where the task can be done online, when the directory says it can."""
    if decision is not None and decision.self_service is not None:
        site, where = decision.self_service.contact, decision.self_service.topic.where
        return [_("You can also do this yourself %(place)s.") % {"place": _place(site, where)}]
    sites = [c for c in (decision.alternatives if decision else ()) if c.kind is ContactKind.SELF_SERVICE_SITE]
    sites += [directory.topic(t.self_service)[0] for t in contact.topics if t.self_service]
    if not sites and contact.kind in (ContactKind.TEAM, ContactKind.HELP_LINE):
        # A team without do-it-yourself topics of its own (the general line) still
        # serves employers who can do much of their business on the site.
        sites = [c for c in directory.contacts if c.kind is ContactKind.SELF_SERVICE_SITE]
    if sites:
        return [_("Many requests can also be done %(place)s.") % {"place": _place(sites[0], "")}]
    return []


def website(directory: Directory, site: Contact, now: datetime, decision: Decision | None, lead: tuple[str, ...]) -> VoiceResponse:
    """A contact without a phone: say where on which site, then offer a team that is open, else the menu, on a key."""
    sentences = list(lead)
    topic = None
    if decision is not None:
        topic = decision.self_service.topic if decision.self_service else decision.topic
    sentences.append(website_sentence(site, topic))
    team = next((c for c in (decision.alternatives if decision else ()) if _open_phone(directory, c, now)), None)
    if team is None:
        # No team to offer: the menu is, so a caller with something more to ask is not simply hung up on.
        response = _say(directory, VoiceResponse(), sentences)
        offer = response.gather(input="dtmf", num_digits=1, action=CallState(turn=1).url(MENU_PATH), method="POST", language=voice(directory.ivr))
        offer.say(_("For anything else, press any key now to hear the menu."), language=voice(directory.ivr))
        _say(directory, response, [line(directory.ivr, "goodbye")]).hangup()
        return response
    response = _say(directory, VoiceResponse(), sentences)
    action = f"{TRANSFER_PATH}?{urlencode({'to': team.id, **language_query(i18n.current())})}"
    offer = response.gather(input="dtmf", num_digits=1, action=action, method="POST", language=voice(directory.ivr))
    offer.say(_("To speak with %(team)s instead, press any key now.") % {"team": wording.team(team)}, language=voice(directory.ivr))
    _say(directory, response, [line(directory.ivr, "goodbye")]).hangup()
    return response


def website_sentence(site: Contact, topic: Topic | None) -> str:
    """Where on the site a task is done: "You can order member ID cards yourself online, any time, at …"."""
    place = _place(site, topic.where if topic is not None else "")
    what = wording.topic_what(topic) if topic is not None else None
    if what is None:
        return _("You can do this yourself %(place)s.") % {"place": place}
    if wording.is_task_phrase(what):
        # "complete renewal changes online" would read "online yourself online".
        return _("You can %(what)s yourself %(place)s.") % {"what": what.removesuffix(" online"), "place": place}
    return _("For %(what)s, you can help yourself %(place)s.") % {"what": what, "place": place}


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


def emergency(directory: Directory, state: CallState | None = None, decision: Decision | None = None, now: datetime | None = None) -> VoiceResponse:
    """The emergency sentence first, then the team the caller also asked for, else a short prompt: never hung up on."""
    # Never Dial the emergency number from here: a call bridged through Twilio reaches the
    # dispatcher without the caller's location, and may not connect at all.
    # Asking the caller to dial from their own phone is the safe choice.
    warning = (line(directory.ivr, "emergency"),)
    also = next((a for a in (decision.also_needed if decision else ()) if dial_phone(directory, a.contact) is not None), None)
    if decision is not None and now is not None and also is not None and also.contact.kind is not ContactKind.EMERGENCY_LINE:
        # A team with a phone: put through (or its after-hours message). A website-only need would end the call on a web address.
        return connect(directory, also.contact, now, decision=for_topic(decision, also.contact, also.topic, now), lead=warning)
    return after_emergency(directory, (state or CallState()).next_turn(), warning)


def after_emergency(directory: Directory, state: CallState, warning: tuple[str, ...]) -> VoiceResponse:
    """The emergency sentence, then one short prompt: someone in danger should not sit through the whole menu.

    A caller who was misheard can still say what they need, press a team's key, or press the repeat key
    for the menu; silence goes to the menu, as after any prompt.
    """
    ivr = directory.ivr
    spoken_in = voice(ivr)
    response = VoiceResponse()
    gather = _listen(response, state.url(GATHER_PATH), spoken_in, speech_hints(directory), heard="dtmf speech")
    prompt = _("If this is not an emergency, tell me in a few words what you need, or press %(key)s for the menu.") % {"key": ivr.repeat_key}
    for sentence in (*warning, prompt):
        gather.say(sentence, language=spoken_in)
    response.redirect(state.failed().url(MENU_PATH), method="POST")
    return response


def goodbye(directory: Directory, sentences: list[str], sign_off: bool = True) -> VoiceResponse:
    response = _say(directory, VoiceResponse(), [*sentences, *([line(directory.ivr, "goodbye")] if sign_off else [])])
    response.hangup()
    return response


def _say(directory: Directory, response: VoiceResponse, sentences: list[str]) -> VoiceResponse:
    spoken_in = voice(directory.ivr)
    for sentence in sentences:
        response.say(sentence, language=spoken_in)
    return response


def _place(site: Contact, where: str) -> str:
    """Where a task is done, at the end of a sentence: "online, any time, at account dot k p dot org, under Manage Members".

    A trailing place phrase in English and in Spanish alike, so it is its own catalog message.
    """
    host = urlsplit(site.url).hostname if site.url else ""
    if not host:
        return pgettext("place", "on %(site)s") % {"site": site.name}
    values = {"site": speakable(host), "where": where}
    under = bool(where) and where not in (host, site.name)
    if site.hours.kind is HoursKind.ALWAYS:
        return (pgettext("place", "online, any time, at %(site)s, under %(where)s") if under else pgettext("place", "online, any time, at %(site)s")) % values
    return (pgettext("place", "online at %(site)s, under %(where)s") if under else pgettext("place", "online at %(site)s")) % values
