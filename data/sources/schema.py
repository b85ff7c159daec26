"""The normalized tables the readers create in DuckDB: the contract with the pipeline.

Column names are the raw names in lower case; codes stay strings; sentinels and empty
cells become NULL. Each reader creates its table with exactly these columns, in order.
"""

from __future__ import annotations

NORMALIZED_TABLES: dict[str, list[tuple[str, str]]] = {
    # One row per dwelling and vintage (all RPLS files stacked).
    "rpls": [
        ("year", "INTEGER"),
        ("ident_int", "VARCHAR"),
        ("depcom", "VARCHAR"),
        ("libcom", "VARCHAR"),
        ("codepostal", "VARCHAR"),
        ("numvoie", "VARCHAR"),
        ("indrep", "VARCHAR"),
        ("typvoie", "VARCHAR"),
        ("nomvoie", "VARCHAR"),
        ("iris_code", "VARCHAR"),
        ("qpv_code", "VARCHAR"),
        ("x", "DOUBLE"),
        ("y", "DOUBLE"),
        ("typeconst", "VARCHAR"),
        ("nbpiece", "INTEGER"),
        ("surfhab", "DOUBLE"),
        ("construct", "INTEGER"),
        ("locat", "INTEGER"),
        ("origine", "VARCHAR"),
        ("finan", "VARCHAR"),
        ("finanautre", "VARCHAR"),
        ("conv", "VARCHAR"),
        ("mode", "VARCHAR"),
        ("bail", "INTEGER"),
        ("remlocdate", "DATE"),
        # Whether the file has the REMLOCDATE column (without it: no vacancy duration).
        ("remlocdate_reported", "BOOLEAN"),
        ("loyerprinc", "DOUBLE"),
        ("surfmode", "DOUBLE"),
        ("dpeenergie", "VARCHAR"),
        ("dpeserre", "VARCHAR"),
        ("nomprog", "VARCHAR"),
        ("siren_bailleur", "VARCHAR"),
        ("rs_bailleur", "VARCHAR"),
    ],
    # One row per household and survey year (all OPS files stacked).
    "ops": [
        ("year", "INTEGER"),
        ("siren_bailleur", "VARCHAR"),
        ("ident_int", "VARCHAR"),
        ("depcom", "VARCHAR"),
        ("compo", "VARCHAR"),
        ("nb_enfants", "INTEGER"),
        ("nb_occupants", "INTEGER"),
        ("age_titulaire", "INTEGER"),
        ("tranche_revenu", "VARCHAR"),
        ("apl", "BOOLEAN"),
        ("nb_adultes", "INTEGER"),
        ("nb_adultes_emploi", "INTEGER"),
        ("annee_entree", "INTEGER"),
    ],
    "sne": [
        ("year", "INTEGER"),
        ("depcom", "VARCHAR"),
        ("indicateur", "VARCHAR"),
        ("typologie", "VARCHAR"),
        ("quartile", "VARCHAR"),
        ("qpv", "BOOLEAN"),
        ("reservataire", "VARCHAR"),
        ("public_prioritaire", "BOOLEAN"),
        ("nombre", "INTEGER"),
        ("delai_median_mois", "DOUBLE"),
        ("siren_bailleur", "VARCHAR"),
        ("code_qpv", "VARCHAR"),
        ("motif", "VARCHAR"),
        ("anciennete_mois", "VARCHAR"),
    ],
    # Filosofi, with the vintage suffix dropped from the column names.
    "filosofi": [
        ("year", "INTEGER"),
        ("iris_code", "VARCHAR"),
        ("depcom", "VARCHAR"),
        ("disp_med", "DOUBLE"),
        ("disp_tp60", "DOUBLE"),
        ("disp_q1", "DOUBLE"),
        ("disp_q3", "DOUBLE"),
        ("disp_d1", "DOUBLE"),
        ("disp_d9", "DOUBLE"),
        ("disp_rd", "DOUBLE"),
        ("disp_gi", "DOUBLE"),
        ("disp_ppmini", "DOUBLE"),
    ],
    # Main residences per commune and census year (INSEE RP, base logement).
    "census": [
        ("year", "INTEGER"),
        ("depcom", "VARCHAR"),
        ("main_residences", "DOUBLE"),
    ],
    "bpe": [
        ("year", "INTEGER"),
        ("depcom", "VARCHAR"),
        ("iris_code", "VARCHAR"),
        ("typequ", "VARCHAR"),
        ("x", "DOUBLE"),
        ("y", "DOUBLE"),
    ],
    "stops": [
        ("stop_id", "VARCHAR"),
        ("stop_name", "VARCHAR"),
        ("lon", "DOUBLE"),
        ("lat", "DOUBLE"),
    ],
}
# IRIS and QPV contours are read with geopandas (pyogrio) into GeoDataFrames in
# Lambert-93 (EPSG:2154): iris -> code_iris, insee_com, nom_com, nom_iris, typ_iris,
# geometry; qpv -> code_qp, lib_qp, insee_com, geometry.
