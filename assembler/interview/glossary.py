"""Plain-English meanings of the legal words the interview uses (shown by the help key, for any front end)."""

from __future__ import annotations

__all__ = ["GLOSSARY"]

GLOSSARY: dict[str, str] = {
    "Committees in common": "Each NHS body sets up its own committee; they meet together, but each decides only "
    "for its own body.",
    "Contractual joint venture": "An agreement that sets up a joint board without creating a new organisation.",
    "Deed": "A formal way of signing a document, witnessed or sealed; it binds even without payment and claims "
    "can be made for longer (12 years instead of 6).",
    "Delegation": "A party letting a board, group or officer decide something on its behalf, up to a limit.",
    "Expert determination": "An independent expert decides a technical or financial dispute.",
    "Joint committee": "One committee that takes decisions for several NHS bodies together (NHS Act 2006 s65Z6).",
    "Locked gateway": "A reserved matter cannot move past a set point until every party has agreed it.",
    "Mediation": "An independent mediator helps the parties agree; nothing binds them until they sign a "
    "settlement. CEDR (the Centre for Effective Dispute Resolution) is a common provider.",
    "Merger control": "Competition law that may apply when organisations take joint control of services.",
    "Quorum": "The least number of voting members who must be present for a meeting to take decisions.",
    "Recital": "A numbered paragraph of background at the start of a document, (A), (B)...; it explains but does "
    "not bind.",
    "Reserved matter": "A decision no party can be outvoted on: it needs every party's agreement.",
    "Significant transaction": "A deal a foundation trust's constitution says its council of governors must "
    "approve (NHS Act 2006 s51A).",
    "Under hand": "Signed in the ordinary way by someone authorised; most collaboration documents are.",
    "Working days": "Monday to Friday, not bank holidays in England (also called business days).",
}
