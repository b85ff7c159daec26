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

# BPE `TYPEQU` families used for proximity *(verify: codes reworked around 2021)*.
BPE_FAMILIES = {
    "ecole": ("C1",),
    "college": ("C2",),
    "sante": ("D2", "D3"),
    "commerce": ("B1", "B2"),
    "service_public": ("A2",),
    "gare": ("E1",),
}
