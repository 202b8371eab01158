"""The synthetic authority: a fictional English city's children's services, generated.

``generate(engine, scale, seed, as_at)`` fills an empty database with about
61,000 children (times ``scale``), the adults around them, the service's teams
and workers, and six years of their journeys to ``as_at``: contacts, early
help, referrals, assessments, child in need and child protection plans, care,
care leavers. Demonstrations, tests and benchmarks run on it, so no real
person's data is ever needed. Modules:

- :mod:`.names` - fictional names, streets, postcodes and identifiers
- :mod:`.rates` - every mix and rate that shapes the city
- :mod:`.days` - day arithmetic and the working-day calendar
- :mod:`.workforce` - teams, professionals, allocation
- :mod:`.population` - families, addresses, schools
- :mod:`.journeys` - one child's journey: contacts, early help, the referral, CIN plans
- :mod:`.protection` - strategy discussions, s47 enquiries, conferences, CP plans
- :mod:`.care` - periods of care: legal status, placements, 903 episodes, reviews, permanence
- :mod:`.leavers` - care leavers and their personal advisers
- :mod:`.followup` - visits, allocations, health, education, missing episodes,
  exploitation screening and MACE meetings
- :mod:`.early_help` - early help assessments, plans and Outcome Star readings
- :mod:`.oversight` - managers' authorisation of assessments and plans
- :mod:`.rows`, :mod:`.context` - the rows of a chunk and what the simulation shares
- :mod:`.generate` - the driver
"""

from casebook.interchange.synthetic.generate import generate

__all__ = ["generate"]
