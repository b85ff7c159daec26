"""The social landlords of the demo: names of the MEL's main landlords, fictitious SIRENs."""

from __future__ import annotations

# (siren, name, share of the demo stock). The SIRENs are invented for the demo.
DEMO_LANDLORDS: tuple[tuple[str, str, float], ...] = (
    ("900000001", "Lille Métropole Habitat", 0.27),
    ("900000002", "Vilogia", 0.20),
    ("900000003", "Partenord Habitat", 0.14),
    ("900000004", "Notre Logis", 0.08),
    ("900000005", "SIA Habitat", 0.07),
    ("900000006", "Maisons & Cités", 0.06),
    ("900000007", "Habitat du Nord", 0.05),
    ("900000008", "CDC Habitat Nord", 0.05),
    ("900000009", "Logis Métropole", 0.04),
    ("900000010", "ICF Habitat Nord-Est", 0.04),
)
