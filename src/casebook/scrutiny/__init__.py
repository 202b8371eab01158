"""Scrutiny and governance: bodies, members, meetings, agendas, minutes,
resolutions and their actions, the work programme (issue 7)."""
