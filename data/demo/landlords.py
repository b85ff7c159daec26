"""The social landlords of the demo, per region: real names, fictitious SIRENs.

Hauts-de-France has the MEL's main landlords. Elsewhere each département has its public
office (« <département> Habitat »), each region a regional company (« Habitat
<région> ») and the national groups are everywhere, so that a territory's landlords
look like its own.
"""

from __future__ import annotations

import pandas as pd

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
DEMO_REGION = "32"
NATIONAL_LANDLORDS: tuple[tuple[str, str, float], ...] = (
    ("910000001", "CDC Habitat", 0.16),
    ("910000002", "Immobilière 3F", 0.12),
    ("910000003", "ICF Habitat", 0.05),
    ("910000004", "Adoma", 0.03),
)
DEPARTEMENT_OFFICE_SHARE = 0.38
REGIONAL_COMPANY_SHARE = 0.26
CORSICA = {"2A": "201", "2B": "202"}


def _departement_siren(dep_code: str) -> str:
    return f"93{CORSICA.get(dep_code, dep_code.zfill(3))}0000"


def landlords_of(reg_code: str, dep_code: str, dep_name: str, reg_name: str) -> list[tuple]:
    """(siren, name, share) of the landlords of a commune's département and region."""
    if reg_code == DEMO_REGION:
        return list(DEMO_LANDLORDS)
    return [
        (_departement_siren(dep_code), f"{dep_name} Habitat", DEPARTEMENT_OFFICE_SHARE),
        (f"92{reg_code.zfill(2)}00000", f"Habitat {reg_name}", REGIONAL_COMPANY_SHARE),
        *NATIONAL_LANDLORDS,
    ]


def landlord_shares(communes: pd.DataFrame) -> pd.DataFrame:
    """The landlords' shares of each commune's stock: one row per commune `code`, one
    column per landlord SIREN (0 where absent); `communes` has code, dep_code, dep_name,
    reg_code, reg_name. The landlords' names are `landlord_names(communes)`."""
    rows = {
        code: {siren: share for siren, _, share in landlords_of(reg, dep, dep_name, reg_name)}
        for code, dep, dep_name, reg, reg_name in communes[
            ["code", "dep_code", "dep_name", "reg_code", "reg_name"]
        ].itertuples(index=False)
    }
    return pd.DataFrame.from_dict(rows, orient="index").fillna(0.0)


def landlord_names(communes: pd.DataFrame) -> dict[str, str]:
    """SIREN -> name of every landlord of the communes' départements and regions."""
    keys = communes[["dep_code", "dep_name", "reg_code", "reg_name"]].drop_duplicates()
    return {
        siren: name
        for dep, dep_name, reg, reg_name in keys.itertuples(index=False)
        for siren, name, _ in landlords_of(reg, dep, dep_name, reg_name)
    }
