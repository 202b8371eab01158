"""Periods of care: legal statuses, placements, SSDA903 episodes, reviews, permanence.

A period of care is drawn as a plan (how it will end, decided by the child's
age at entry: adoption for babies, return home, special guardianship, or
staying until 18) and two timelines, legal status and placement. The SSDA903
episodes are derived from those timelines exactly as the return defines them:
a new episode whenever either changes (reason L, P, T, B or U), the one before
it ceasing X1 on the same day, the last ceasing with the REC code of the plan.
"""

from __future__ import annotations

import json
import math
from random import Random
from typing import TYPE_CHECKING

from casebook.interchange.synthetic import followup, names, rates
from casebook.interchange.synthetic.context import OPEN
from casebook.interchange.synthetic.days import YEAR, add_months, birthday
from casebook.interchange.synthetic.rates import Mix

if TYPE_CHECKING:
    from casebook.interchange.synthetic.journeys import Journey, Spell

#: Placement types with no Ofsted URN of their own (903 writes XXXXXXX).
_NO_URN = frozenset({"P1", "P2", "U1", "U2", "U3"})
_FOSTER = frozenset({"U1", "U2", "U3", "U4", "U5", "U6"})
_ROUTE_PLAN = {
    "adopt": "Adoption",
    "sgo": "Special guardianship",
    "cao": "Child arrangements order",
    "home": "Return to parents",
    "long": "Long-term care to independence",
    "remand": "Remand",
    "other": "Other",
}
_OTHER_END = Mix([("E13", 40), ("E3", 25), ("E8", 20), ("E9", 10), ("E16", 5)])
#: The CIN census's needs the SSDA903 does not know (N0 not stated, N9 not a child in
#: need): a child who comes into care has their need assessed as one of N1-N8.
_CARE_NEED = {"N0": "N1", "N9": "N5"}
#: Special guardianship to former foster carers (E45, E46) needs a foster placement to
#: end; otherwise the order is to other carers (E47, E48).
_SGO_NOT_FOSTER = {"E45": "E47", "E46": "E48"}


class Period:
    """A period of care as the rest of the child's life needs to remember it."""

    __slots__ = ("cla_id", "rid", "start", "end", "reason", "last_type")

    def __init__(
        self, cla_id: str, rid: str, start: int, end: int | None, reason: str | None, last_type: str
    ) -> None:
        self.cla_id = cla_id
        self.rid = rid
        self.start = start
        self.end = end
        self.reason = reason
        self.last_type = last_type


def _by_age(table: tuple, age: float) -> Mix:
    for upper, mix in table:
        if age < upper:
            return mix
    return table[-1][1]


def period(j: Journey, sp: Spell, start: int) -> tuple[str, int]:
    """Simulate one period of care from ``start``; return the referral's next phase."""
    rng, cal, child, as_at = j.rng, j.cal, j.child, j.as_at
    age = child.age(start)
    stop = child.adult
    route = _by_age(rates.CARE_ROUTE, age).pick(rng)
    legal = _by_age(rates.FIRST_LEGAL, age).pick(rng)
    if sp.uasc:
        route, legal = ("other" if rng.random() < 0.05 else "long"), "V2"
    if legal == "J1":
        route = "remand"

    # -- legal status timeline and the plan's end
    legal_events: list[tuple[int, str]] = [(start, legal)]
    current, t = legal, start
    if legal in ("L1", "L2"):
        t = start + (rng.randint(1, 3) if legal == "L1" else rng.randint(5, 8))
        current = "C1" if legal == "L2" or rng.random() < 0.6 else "V2"
        legal_events.append((t, current))
    adoption: dict[str, int] = {}
    if route == "adopt":
        if current == "V2":
            t += rng.randint(20, 80)
            current = "C1"
            legal_events.append((t, current))
        adoption["adm"] = start + rng.randint(90, 200)
        po = max(adoption["adm"] + 20, start + rng.randint(180, 380))
        adoption["po"] = po
        legal_events.append((po, "E1"))
        if rng.random() < 0.08:  # the plan for adoption is reversed
            adoption["reversed"] = po + rng.randint(60, 300)
            route = "long" if rng.random() < 0.5 else "sgo"
            end = stop if route == "long" else adoption["reversed"] + rng.randint(100, 500)
        else:
            adoption["matched"] = po + rng.randint(30, 220)
            adoption["placed"] = adoption["matched"] + rng.randint(7, 35)
            end = adoption["placed"] + rng.randint(70, 300)
    elif route == "home":
        end = start + int(min(2000, max(7, 170 * math.exp(rng.gauss(0, 0.95)))))
    elif route == "sgo":
        end = start + rng.randint(300, 950)
    elif route == "cao":
        end = start + rng.randint(200, 700)
    elif route == "remand":
        end = start + rng.randint(14, 120)
    elif route == "other":
        end = start + rng.randint(60, 900)
    else:
        end = stop
    end = min(end, stop)
    if "reversed" in adoption:
        # the plan for adoption reversed, the court revokes the placement order
        legal_events.append((adoption["reversed"] + rng.randint(30, 120), "C2"))
    elif adoption:
        pass  # the placement order (E1) stands until the adoption order
    elif current == "C1":
        legal_events.append((t + rng.randint(150, 330), "C2"))
    elif current == "V2" and route == "long" and rng.random() < 0.25:
        t += rng.randint(60, 400)
        legal_events.append((t, "C1"))
        legal_events.append((t + rng.randint(150, 330), "C2"))
    legal_events = sorted(
        {day: code for day, code in legal_events if day < end or day == start}.items()
    )

    if end >= stop:
        reason = "E7" if child.disabled and rng.random() < 0.3 else rates.LEAVE_AT_18.pick(rng)
    elif route == "adopt":
        reason = "E11" if rng.random() < 0.9 else "E12"
    elif route == "sgo":
        reason = rates.SGO_REASON.pick(rng)
    elif route == "cao":
        reason = "E41"
    elif route == "home":
        reason = "E4A" if rng.random() < 0.75 else "E4B"
    elif route == "remand":
        reason = "E14"
    else:
        reason = "E15" if sp.uasc else _OTHER_END.pick(rng)  # UASC: age assessed as over 18

    # -- placement timeline: (day, type, reason the previous one ended, same carer?)
    if sp.uasc:
        first = "H5" if age >= 16 and rng.random() < 0.6 else "U6"
    elif route == "remand":
        first = rng.choice(("K1", "U6", "K2"))
    else:
        first = _by_age(rates.FIRST_PLACEMENT, age).pick(rng)
        if first == "P1" and any(code == "V2" for _, code in legal_events):
            first = "U6"  # placed with parents only under a care order, never under s20
    placements: list[tuple[int, str, str | None, bool]] = [(start, first, None, False)]
    rate = next(r for upper, r in rates.MOVE_RATE if age < upper or upper == 18)
    if rng.random() < rates.UNSTABLE:
        rate *= 3.5
    horizon = min(end, as_at + 1)
    t, current_type = start, first
    while True:
        t += int(rng.expovariate(rate) * YEAR) + 1
        if t >= horizon or (route == "adopt" and "placed" in adoption and t >= adoption["placed"]):
            break
        kind = _by_age(rates.FIRST_PLACEMENT, (t - child.dob) / YEAR).pick(rng)
        if kind == "P1" or (kind == "U5" and route != "adopt"):
            kind = "U6"
        placements.append((t, kind, rates.CHANGE_REASON.pick(rng), False))
        current_type = kind
    if route == "long" and current_type in ("U6", "U3"):
        settle = placements[-1][0] + rng.randint(300, 700)
        if settle < horizon:
            placements.append((settle, "U4" if current_type == "U6" else "U1", "PLACE", True))
    if route == "long" and age < 16 and rng.random() < 0.4:
        move = birthday(child.dob, 16) + rng.randint(120, 500)
        if placements[-1][0] < move < horizon:
            placements.append((move, "H5", "CARPL", False))
    if "placed" in adoption and adoption["placed"] < horizon:
        with_carer = placements[-1][1] in ("U5", "U6") and rng.random() < 0.3
        placements.append((adoption["placed"], "A5" if with_carer else "A6", "CARPL", with_carer))
    if route == "home" and rng.random() < 0.15:
        back = end - rng.randint(20, 90)
        # placed with parents only under a care order: not for a child accommodated (V2)
        legal_then = [code for day, code in legal_events if day <= back][-1:]
        if placements[-1][0] < back < horizon and legal_then != ["V2"]:
            placements.append((back, "P1", "CARPL", False))
    if reason in _SGO_NOT_FOSTER and placements[-1][1] not in _FOSTER:
        reason = _SGO_NOT_FOSTER[reason]

    # -- rows
    cla_id = j.new_id("CLA")
    closed = end <= as_at
    j.keep_or_allocate(sp, "cic", start)
    j.iro(sp, start)
    placement_ids = _write_placements(j, cla_id, placements, end if closed else None)
    _write_legal(j, legal_events, end if closed else None)
    reviews = _reviews(j, cla_id, start, end if closed else None)
    _write_episodes(
        j,
        sp,
        cla_id,
        start,
        legal_events,
        placements,
        placement_ids,
        end if closed else None,
        reason,
        reviews,
    )
    j.add(
        "ssd_cla_care_plan",
        (
            j.new_id("LCP"),
            child.pid,
            cal.iso(start),
            cal.iso(end) if closed else None,
            json.dumps({"permanence_plan": _ROUTE_PLAN[route]}),
        ),
    )
    if adoption or route in ("sgo", "cao"):
        _write_permanence(j, cla_id, route, adoption, placements, end if closed else None)
    last = end if closed else as_at
    spans = [
        (p[0], placements[i + 1][0] if i + 1 < len(placements) else last, p[1])
        for i, p in enumerate(placements)
        if p[0] <= as_at
    ]
    drift = rng.random() < rates.VISIT_DRIFT
    j.ctx.defer(followup.cla_visits, j, child, cla_id, spans, drift)
    j.ctx.defer(followup.cla_health, j, child, start, last)
    j.ctx.defer(followup.education, j, child, start, last, drift)
    j.ctx.defer(followup.missing_from_care, j, child, start, last)
    j.periods.append(
        Period(
            cla_id,
            sp.rid,
            start,
            end if closed else None,
            reason if closed else None,
            [p[1] for p in placements if p[0] <= as_at][-1],
        )
    )
    if not closed:
        return OPEN, as_at
    j.end_iro(sp, end)
    if end >= stop:
        return ("RC6" if reason == "E7" else "RC7"), end
    if route == "adopt":
        return "RC1", end
    if reason in rates.SGO_REASON.values:
        return "RC4", end
    if reason == "E41":
        return "RC3", end
    if reason == "E3":
        return "RC5", end
    if route == "home" and rng.random() < 0.5:
        return "cin", end
    return "RC7", end


def _distance(rng: Random, kind: str) -> tuple[float, bool]:
    lo, hi, far = rates.DISTANCE.get(kind, (0.5, 15.0, 0.1))
    if rng.random() < far:
        return round(rng.uniform(20.5, 80.0), 1), True
    return round(rng.uniform(lo, hi), 1), False


def _write_placements(j: Journey, cla_id: str, placements: list, end: int | None) -> list[str]:
    rng, cal, pid = j.rng, j.cal, j.child.pid
    ids = []
    for i, (day, kind, _, _) in enumerate(placements):
        if day > j.as_at:
            break
        nxt = (
            placements[i + 1]
            if i + 1 < len(placements) and placements[i + 1][0] <= j.as_at
            else None
        )
        stop = nxt[0] if nxt else end
        change = nxt[2] if nxt else None
        plid = j.new_id("PLC")
        ids.append(plid)
        miles, far = _distance(rng, kind)
        postcode = (
            names.postcode(rng, rng.randint(20, 60), "ZY")
            if far
            else names.postcode(rng, rng.randint(1, 3 * len(names.LOCALITIES)))
        )
        urn = names.NO_URN if kind in _NO_URN else names.social_care_urn(rng)
        provider = rates.PROVIDER.get(kind, Mix([("PR4", 1)])).pick(rng)
        j.add(
            "ssd_cla_placement",
            (
                plid,
                cal.iso(day),
                kind,
                urn,
                miles,
                cla_id,
                provider,
                postcode,
                cal.iso(stop),
                change,
                pid,
            ),
        )
        if kind != "P1":
            j.add(
                "ssd_address",
                (
                    j.new_id("ADR"),
                    json.dumps(
                        {"address": "Placement address held securely", "postcode": postcode}
                    ),
                    pid,
                    "PLACEMENT",
                    cal.iso(day),
                    cal.iso(stop),
                    postcode,
                ),
            )
    return ids


def _write_legal(j: Journey, events: list[tuple[int, str]], end: int | None) -> None:
    cal, pid = j.cal, j.child.pid
    shown = [e for e in events if e[0] <= j.as_at]
    for i, (day, code) in enumerate(shown):
        stop = shown[i + 1][0] if i + 1 < len(shown) else end
        j.add("ssd_legal_status", (j.new_id("LEG"), pid, code, cal.iso(day), cal.iso(stop)))


def _reviews(j: Journey, cla_id: str, start: int, end: int | None) -> list[int]:
    """IRO reviews: 20 working days, then 3 months, then every 6 months."""
    rng, cal, child = j.rng, j.cal, j.child
    last = end if end is not None else j.as_at
    held_days: list[int] = []
    due = cal.add_working(start, 20)
    while True:
        if rng.random() < 0.9:
            held = max(start + 3, due - rng.randint(0, 10))
        else:
            held = due + rng.randint(3, 45)
        if held > last:
            break
        cancelled = rng.random() < 0.01
        if cancelled:
            j.add(
                "ssd_cla_reviews", (j.new_id("CLR"), cla_id, cal.iso(due), cal.iso(held), "Y", None)
            )
            held = min(last, held + rng.randint(3, 14))
        part = "PN0" if child.age(held) < 4 else rates.PARTICIPATION.pick(rng)
        j.add("ssd_cla_reviews", (j.new_id("CLR"), cla_id, cal.iso(due), cal.iso(held), "N", part))
        held_days.append(held)
        due = add_months(held, 3 if len(held_days) == 1 else 6)
    return held_days


def _write_episodes(
    j: Journey,
    sp: Spell,
    cla_id: str,
    start: int,
    legal: list,
    placements: list,
    placement_ids: list[str],
    end: int | None,
    reason: str,
    reviews: list[int],
) -> None:
    """SSDA903 episodes: a new one at every change of legal status or placement."""
    cal, pid, as_at = j.cal, j.child.pid, j.as_at
    legal_on = {day: code for day, code in legal if day <= as_at}
    place_on = {}
    for i, (day, _kind, _why, same) in enumerate(placements):
        if day <= as_at and i < len(placement_ids):
            place_on[day] = (placement_ids[i], same)
    days = sorted(set(legal_on) | set(place_on))
    current_placement = place_on[start][0]
    episodes: list[tuple[int, str, str]] = []
    for day in days:
        if day in place_on:
            current_placement = place_on[day][0]
        if day == start:
            why = "S"
        elif day in legal_on and day in place_on:
            why = "U" if place_on[day][1] else "B"
        elif day in legal_on:
            why = "L"
        else:
            why = "T" if place_on[day][1] else "P"
        episodes.append((day, why, current_placement))
    for i, (day, why, placement) in enumerate(episodes):
        stop = episodes[i + 1][0] if i + 1 < len(episodes) else end
        ceased = "X1" if i + 1 < len(episodes) else (reason if end is not None else None)
        upto = stop if stop is not None else as_at
        iro = max((r for r in reviews if r <= upto), default=None)
        j.add(
            "ssd_cla_episodes",
            (
                j.new_id("EPI"),
                pid,
                cal.iso(day),
                why,
                _CARE_NEED.get(sp.need, sp.need),
                cal.iso(stop),
                ceased,
                cla_id,
                sp.rid,
                placement,
                cal.iso(start),
                cal.iso(iro),
            ),
        )


def _write_permanence(
    j: Journey, cla_id: str, route: str, adoption: dict[str, int], placements: list, end: int | None
) -> None:
    rng, cal, as_at = j.rng, j.cal, j.as_at

    def seen(key: str) -> str | None:
        day = adoption.get(key)
        return cal.iso(day) if day is not None and day <= as_at else None

    siblings = j.child.family_id is not None and rng.random() < 0.35
    together = rng.choice((1, 1, 2)) if siblings else None
    if adoption.get("adm", as_at + 1) > as_at and route not in ("sgo", "cao"):
        return
    if route in ("sgo", "cao") and "adm" not in adoption:
        order_type = "Special guardianship order" if route == "sgo" else "Child arrangements order"
        j.add(
            "ssd_permanence",
            (
                j.new_id("PRM"),
                j.child.pid,
                cla_id,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                "N",
                None,
                None,
                None,
                None,
                cal.iso(end),
                order_type if end else None,
                None,
                None,
                None,
                None,
            ),
        )
        return
    ffa = placements[0][1] == "U5"
    a5 = any(p[1] == "A5" for p in placements)
    foster_start = next((p[0] for p in reversed(placements) if p[1] in _FOSTER), None)
    _, adoption_worker = j.ctx.wf.pick("adoption", rng)
    reversed_day = adoption.get("reversed")
    order_day = end if "placed" in adoption and end is not None else None
    two = rng.random() < 0.8
    adopters = rng.choice(("MF", "MF", "MF", "FF", "MM")) if two else rng.choice(("F1", "M1"))
    # married (L11 a man and a woman, L12 the same sex), civil partners, or not married
    adopter_status = rng.choice(
        ("L11", "L11", "L2", "L3") if adopters == "MF" else ("L12", "L2", "L3")
    )
    j.add(
        "ssd_permanence",
        (
            j.new_id("PRM"),
            j.child.pid,
            cla_id,
            seen("adm"),
            cal.iso(placements[0][0]) if ffa else None,
            seen("po"),
            seen("placed"),
            seen("matched"),
            ("Y" if a5 else "N") if seen("placed") else None,
            cal.iso(placements[0][0]) if ffa else None,
            seen("reversed"),
            cal.iso(foster_start) if a5 and foster_start else None,
            "Y" if siblings else "N",
            together,
            (rng.choice((0, 1)) if siblings else None),
            names.social_care_urn(rng) if seen("placed") else None,
            ("RD1" if rng.random() < 0.5 else "RD4")
            if reversed_day and reversed_day <= as_at
            else None,
            cal.iso(order_day),
            "Adoption order" if order_day else None,
            adoption_worker,
            adopters if seen("matched") else None,
            (adopter_status if two else "L0") if seen("matched") else None,
            ("2" if two else "1") if seen("matched") else None,
        ),
    )
