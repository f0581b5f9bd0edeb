"""Which language a sender wrote in, read from their own words: the subject and the newest text.

Triage keeps it so the reply asking for the group details is written in the
sender's language and the forward tells the team how the employer wrote.
Only the words that mark a language on their own are counted (articles,
prepositions, pronouns, greetings), never the words Spanish and English share
("no", "me", "a") or names, which are as often Spanish in an English email
("Panadería La Estrella") as the other way round. Quoted history is not read:
an English reply above "El … escribió:" is an English email.
"""

from __future__ import annotations

import functools
import re

from routing.core.email.parse import ParsedEmail
from routing.core.i18n import SOURCE

SPANISH = frozenset([
    "de", "del", "la", "las", "el", "los", "que", "en", "por", "para", "con", "una", "un", "su", "sus", "al", "lo", "como", "más",
    "pero", "este", "esta", "estos", "estas", "ese", "esa", "muy", "sin", "sobre", "también", "hasta", "hay", "donde", "dónde", "quién",
    "desde", "nos", "nosotros", "nuestra", "nuestro", "nuestras", "nuestros", "usted", "ustedes", "estoy", "tengo", "tenemos", "necesito",
    "necesitamos", "quisiera", "quiero", "queremos", "hola", "gracias", "saludos", "buenos", "buenas", "días", "tardes", "favor", "cómo",
    "cuál", "qué", "porque", "ya", "mi", "mis", "es", "está", "están", "fue", "ser", "puede", "pueden", "podría", "podrían",
    "atentamente", "estimado", "estimada", "estimados", "ayuda", "empleado", "empleada", "empleados", "cuenta", "factura", "grupo",
    "empresa", "pago", "cobro", "solicitud", "pregunta", "cuando", "cuándo", "entre", "todo", "todos", "otra", "otro",
])
ENGLISH = frozenset([
    "the", "and", "to", "of", "is", "for", "in", "you", "we", "our", "my", "have", "has", "this", "that", "with", "please", "thanks",
    "thank", "hi", "hello", "would", "could", "can", "are", "was", "it", "be", "on", "at", "from", "i", "your", "will", "what", "how",
    "when", "need", "want", "get", "do", "does", "not", "an", "if", "there", "they", "he", "she", "who", "which", "about", "just",
    "regards", "best", "sincerely", "dear", "employee", "account", "bill", "group", "company", "payment", "request", "question",
])
_WORD = re.compile(r"[^\W\d_]+")
_SPANISH_MARKS = re.compile(r"[ñ¿¡]")
MAX_CHARS = 4000  # the start of the message says which language it is in; a long one is not read to its end
MIN_WORDS = 2  # fewer marked words than this say nothing: the email is read as the source language
# A name of two or more capitalised words, with the small words names hold ("Taqueria La Estrella de San
# Jose"): Spanish in a business's name does not make an English question Spanish. A sentence's first
# article or possessive is no name ("El IRS me mandó una carta" stays Spanish).
_NAMES = re.compile(
    r"\b(?!(?:El|La|Los|Las|Mi|Mis|Un|Una|Su|Sus|Nuestro|Nuestra|Nuestros|Nuestras|De|Del)\b)"
    r"[A-ZÁÉÍÓÚÑ][\w'’]*(?:\s+(?:(?:de|del|la|las|los|el|y)\s+)?[A-ZÁÉÍÓÚÑ][\w'’]*)+"
)


def detect_text(text: str) -> str:
    """"es" when the text is Spanish, else the source language."""
    text = text[:MAX_CHARS].lower()
    spanish = english = 0
    for word in _WORD.findall(text):
        spanish += word in SPANISH
        english += word in ENGLISH
    spanish += len(_SPANISH_MARKS.findall(text))
    return "es" if spanish >= MIN_WORDS and spanish > english else SOURCE


def detect(parsed: ParsedEmail) -> str:
    """The language of what the sender wrote: the newest text (the forwarded message when they wrote none) and the subject."""
    own = parsed.newest.strip() or parsed.forwarded
    return detect_text(f"{parsed.subject}\n{own}")


@functools.lru_cache(maxsize=4096)
def question_language(question: str) -> str:
    """The language a question is written in, names aside; popular questions come back often, so each is read once."""
    return detect_text(_NAMES.sub(" ", question))
