"""Code lists of the raw published formats, in one place (readers and demo share them).

Values marked *(verify)* follow the public documentation as we read it; check them
against the dictionary of the vintage you load before relying on a label.
"""

from __future__ import annotations

# RPLS `MODE`: occupation of the dwelling on 1 January.
RPLS_MODE = {
    "1": "Loué",
    "2": "Vacant, proposé à la location",
    "3": "Vide (travaux, démolition, vente)",
    "4": "Géré par une association",
    "5": "Occupé à un autre titre",
    "9": "Sans objet",
}
MODE_LET = "1"
MODE_VACANT = "2"

# RPLS `TYPECONST`: C collective, I individual, E student residence.
RPLS_TYPECONST = {"C": "Collectif", "I": "Individuel", "E": "Étudiant"}

# RPLS `ORIGINE`.
RPLS_ORIGINE = {
    "1": "Construit par l'organisme",
    "2": "Acquis avec travaux",
    "3": "Acquis sans travaux",
    "4": "Acquis en VEFA",
}

# RPLS `FINAN`: initial financing *(verify)*, with the family used by the indicators.
RPLS_FINAN = {
    "10": ("HBM / prêts avant 1977", "avant_1977"),
    "11": ("PLR / PSR", "avant_1977"),
    "12": ("HLM/O", "avant_1977"),
    "13": ("ILM", "avant_1977"),
    "14": ("ILN", "avant_1977"),
    "49": ("PLA-I", "plai"),
    "50": ("PLUS", "plus"),
    "51": ("PLA ordinaire", "plus"),
    "52": ("PLS", "pls"),
    "53": ("PLI", "pli"),
    "54": ("PCL", "autre"),
    "55": ("Autre financement après 1977", "autre"),
    "99": ("Financement inconnu", "autre"),
}
FINAN_FAMILIES = {
    "avant_1977": "Avant 1977 (HLM/O, PLR…)",
    "plai": "PLAI",
    "plus": "PLUS",
    "pls": "PLS",
    "pli": "PLI",
    "autre": "Autre",
}

# RPLS `CONV`: 1 under APL convention, 2 not.
RPLS_CONV = {"1": "Conventionné", "2": "Non conventionné"}

# DPE classes (`DPEENERGIE`, `DPESERRE`); empty means no diagnosis.
DPE_CLASSES = ("A", "B", "C", "D", "E", "F", "G")

# `LOYERPRINC` sentinel for "not applicable".
RENT_NOT_APPLICABLE = 9999

# OPS `COMPO`: household composition.
OPS_COMPO = {
    "1": "Personne seule",
    "2": "Couple sans enfant",
    "3": "Couple avec enfant(s)",
    "4": "Famille monoparentale",
    "5": "Autre ménage",
}
# OPS `TRANCHE_REVENU`: income as a share of the PLUS ceiling.
OPS_TRANCHE_REVENU = {
    "1": "Moins de 20 %",
    "2": "20 à 40 %",
    "3": "40 à 60 %",
    "4": "60 à 100 %",
    "5": "Plus de 100 %",
    "9": "Non renseigné",
}

# SNE infocentre breakdowns.
SNE_INDICATEUR = {
    "demandes": "Demandes en attente au 31/12",
    "attributions": "Attributions de l'année",
}
SNE_TYPOLOGIE = ("T1", "T2", "T3", "T4", "T5+")
SNE_QUARTILE = {
    "Q1": "1er quartile",
    "Q2": "2e quartile",
    "Q3": "3e quartile",
    "Q4": "4e quartile",
    "NR": "Non renseigné",
}
SNE_RESERVATAIRE = {
    "etat": "État",
    "action_logement": "Action Logement",
    "collectivites": "Collectivités",
    "bailleur": "Bailleur (non réservé)",
}
# Main reason of a pending application (`MOTIF`), the SNE list grouped as the infocentre does.
SNE_MOTIF = {
    "sans_logement": "Sans logement, hébergé ou en logement temporaire",
    "logement_inadapte": "Logement trop petit, trop cher ou inadapté",
    "logement_indigne": "Logement indigne, insalubre ou non décent",
    "familial": "Raison familiale (séparation, regroupement)",
    "professionnel": "Raison professionnelle, rapprochement du travail",
    "sante_handicap": "Santé, handicap",
    "expulsion_violences": "Procédure d'expulsion, violences",
    "autre": "Autre motif",
}
# Age of a pending application (`ANCIENNETE_MOIS`), in bands of months.
SNE_ANCIENNETE = {
    "0-11": "Moins d'un an",
    "12-23": "1 à 2 ans",
    "24-35": "2 à 3 ans",
    "36+": "3 ans ou plus",
}

# IRIS `TYP_IRIS`: H habitat, A activité, D divers, Z commune non découpée.
IRIS_TYP = {"H": "Habitat", "A": "Activité", "D": "Divers", "Z": "Commune non découpée"}

# Proximity families (issue 13): key -> French label. Every family but the transit stop
# comes from BPE `TYPEQU` codes; stops come from the network's GTFS `stops.txt`.
EQUIPMENT_FAMILIES = {
    "maternelle": "École maternelle",
    "elementaire": "École élémentaire",
    "college": "Collège",
    "creche": "Crèche (EAJE)",
    "medecin": "Médecin généraliste",
    "pharmacie": "Pharmacie",
    "alimentation": "Alimentation",
    "poste": "Poste ou France Services",
    "arret": "Arrêt de transport en commun",
    "gare": "Gare",
}
TRANSIT_FAMILY = "arret"
TRANSIT_STOP_LABEL = "Arrêt de transport en commun (GTFS)"

# BPE `TYPEQU` -> (label, families), per code list. INSEE reworked the whole list with
# the BPE 2024 (codes of one equipment changed domain or number; e.g. D307 was an
# emergency service before 2024 and is the pharmacy since).
# Sources: the BPE 2024 list is the one INSEE documents with the BPE 2024 files
# ("Base permanente des équipements 2024 – liste des équipements",
# insee.fr/fr/information/8221498); the older list is that of the BPE 2017–2023
# dictionaries ("Base permanente des équipements – nomenclature des équipements").
# Checked against: the list, the project's data notes and a public code list of
# the 2024 codes citing that INSEE page (C107, C109, C201, D265, D307, B104, B105, B207,
# A206, E107–E109). *(unconfirmed)*: C108, D502, B201, B202, A207, A208 and A128 of the
# 2024 list rest on the list alone; the whole older list rests on our reading of
# the 2017–2023 dictionaries, not on a copy of them.
BPE_REWORK_YEAR = 2024
BPE_TYPEQU_SINCE_2024: dict[str, tuple[str, tuple[str, ...]]] = {
    "C107": ("École maternelle", ("maternelle",)),
    "C108": ("École primaire", ("maternelle", "elementaire")),
    "C109": ("École élémentaire", ("elementaire",)),
    "C201": ("Collège", ("college",)),
    "D502": ("Établissement d'accueil du jeune enfant", ("creche",)),
    "D265": ("Médecin généraliste", ("medecin",)),
    "D307": ("Pharmacie", ("pharmacie",)),
    "B104": ("Hypermarché", ("alimentation",)),
    "B105": ("Supermarché", ("alimentation",)),
    "B201": ("Supérette", ("alimentation",)),
    "B202": ("Épicerie", ("alimentation",)),
    "B207": ("Boulangerie-pâtisserie", ("alimentation",)),
    "A206": ("Bureau de poste", ("poste",)),
    "A207": ("Relais poste", ("poste",)),
    "A208": ("Agence postale", ("poste",)),
    "A128": ("Espace France Services", ("poste",)),
    "E107": ("Gare de voyageurs d'intérêt national", ("gare",)),
    "E108": ("Gare de voyageurs d'intérêt régional", ("gare",)),
    "E109": ("Gare de voyageurs d'intérêt local", ("gare",)),
}
# *(unconfirmed)* France Services (A128 since 2024) has no code we could confirm in the
# older list: older vintages have the post offices only in that family.
BPE_TYPEQU_BEFORE_2024: dict[str, tuple[str, tuple[str, ...]]] = {
    "C101": ("École maternelle", ("maternelle",)),
    "C102": ("École maternelle de RPI dispersé", ("maternelle",)),
    "C104": ("École élémentaire", ("elementaire",)),
    "C105": ("École élémentaire de RPI dispersé", ("elementaire",)),
    "C201": ("Collège", ("college",)),
    "D502": ("Établissement d'accueil du jeune enfant", ("creche",)),
    "D201": ("Médecin omnipraticien", ("medecin",)),
    "D301": ("Pharmacie", ("pharmacie",)),
    "B101": ("Hypermarché", ("alimentation",)),
    "B102": ("Supermarché", ("alimentation",)),
    "B201": ("Supérette", ("alimentation",)),
    "B202": ("Épicerie", ("alimentation",)),
    "B203": ("Boulangerie", ("alimentation",)),
    "A206": ("Bureau de poste", ("poste",)),
    "A207": ("Relais poste", ("poste",)),
    "A208": ("Agence postale", ("poste",)),
    "E107": ("Gare de voyageurs d'intérêt national", ("gare",)),
    "E108": ("Gare de voyageurs d'intérêt régional", ("gare",)),
    "E109": ("Gare de voyageurs d'intérêt local", ("gare",)),
}


def bpe_types(vintage: int) -> dict[str, tuple[str, tuple[str, ...]]]:
    """The `TYPEQU` codes of the proximity families in the code list of a BPE vintage."""
    return BPE_TYPEQU_SINCE_2024 if vintage >= BPE_REWORK_YEAR else BPE_TYPEQU_BEFORE_2024
