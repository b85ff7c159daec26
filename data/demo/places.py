"""Local knowledge of the MEL that makes the demo map plausible.

Approximate positions (WGS84) of real neighbourhoods, a commune-level poverty rate close
to the published order of magnitude, and postal codes. Communes not listed here get
generic values, so the generator also runs for another EPCI (with a flatter map).
"""

from __future__ import annotations

from typing import NamedTuple


class Quarter(NamedTuple):
    commune: str
    name: str
    lat: float
    lon: float
    poverty: float  # log-scale shift of the poverty rate around the commune's mean
    qpv: bool = False  # a real priority neighbourhood is around here


QUARTERS: tuple[Quarter, ...] = (
    # Lille (with Hellemmes and Lomme)
    Quarter("59350", "Vieux-Lille", 50.6425, 3.0620, -0.7),
    Quarter("59350", "Centre", 50.6350, 3.0640, -0.4),
    Quarter("59350", "Vauban-Esquermes", 50.6300, 3.0420, -0.3),
    Quarter("59350", "Wazemmes", 50.6255, 3.0520, 0.4, True),
    Quarter("59350", "Moulins", 50.6195, 3.0700, 0.8, True),
    Quarter("59350", "Faubourg de Béthune", 50.6210, 3.0290, 1.0, True),
    Quarter("59350", "Lille-Sud", 50.6115, 3.0480, 1.0, True),
    Quarter("59350", "Fives", 50.6330, 3.0900, 0.6, True),
    Quarter("59350", "Saint-Maurice Pellevoisin", 50.6425, 3.0840, -0.4),
    Quarter("59350", "Bois-Blancs", 50.6380, 3.0270, 0.3, True),
    Quarter("59350", "Hellemmes", 50.6265, 3.1090, 0.1),
    Quarter("59350", "Lomme", 50.6440, 2.9880, -0.1),
    Quarter("59350", "Lomme Marais", 50.6330, 2.9950, 0.6, True),
    # Roubaix
    Quarter("59512", "Alma Gare", 50.6985, 3.1690, 0.8, True),
    Quarter("59512", "Pile", 50.6830, 3.1920, 0.8, True),
    Quarter("59512", "Épeule", 50.6880, 3.1620, 0.6, True),
    Quarter("59512", "Trois Ponts", 50.6780, 3.2100, 0.5, True),
    Quarter("59512", "Hommelet", 50.6955, 3.1600, 0.4),
    Quarter("59512", "Centre", 50.6915, 3.1780, 0.1),
    Quarter("59512", "Barbieux", 50.6790, 3.1640, -0.8),
    Quarter("59512", "Nouveau Roubaix", 50.6840, 3.2020, 0.6, True),
    Quarter("59512", "Fresnoy-Mackellerie", 50.7020, 3.1560, 0.3),
    Quarter("59512", "Cul de Four", 50.6975, 3.1990, 0.3),
    # Tourcoing
    Quarter("59599", "La Bourgogne", 50.7380, 3.1650, 1.0, True),
    Quarter("59599", "Phalempins", 50.7290, 3.1390, 0.4, True),
    Quarter("59599", "Croix Rouge", 50.7285, 3.1740, 0.5, True),
    Quarter("59599", "Marlière", 50.7150, 3.1740, 0.5, True),
    Quarter("59599", "Pont Rompu", 50.7330, 3.1840, 0.6, True),
    Quarter("59599", "Blanc Seau", 50.7050, 3.1700, -0.2),
    Quarter("59599", "Centre", 50.7235, 3.1600, 0.1),
    Quarter("59599", "Virolois", 50.7100, 3.1400, -0.6),
    Quarter("59599", "Brun Pain", 50.7360, 3.1420, 0.2),
    # Wattrelos
    Quarter("59650", "Beck", 50.7110, 3.2130, 0.7, True),
    Quarter("59650", "Laboureur", 50.6990, 3.2250, 0.5, True),
    Quarter("59650", "Centre", 50.7020, 3.2150, 0.0),
    Quarter("59650", "Crétinier", 50.7080, 3.2350, -0.3),
    # Villeneuve-d'Ascq
    Quarter("59009", "Pont de Bois", 50.6120, 3.1350, 0.9, True),
    Quarter("59009", "Triolo", 50.6070, 3.1430, 0.5, True),
    Quarter("59009", "Hôtel de Ville", 50.6180, 3.1460, 0.2),
    Quarter("59009", "Annappes", 50.6280, 3.1500, -0.4),
    Quarter("59009", "Flers", 50.6400, 3.1300, 0.1),
    Quarter("59009", "Cousinerie", 50.6380, 3.1520, -0.3),
    Quarter("59009", "Ascq", 50.6220, 3.1680, -0.4),
    Quarter("59009", "Brigode", 50.6420, 3.1650, -0.7),
    # Other poorer communes
    Quarter("59360", "Les Oliveaux", 50.6050, 3.0010, 0.9, True),
    Quarter("59360", "Centre", 50.6120, 3.0150, 0.0),
    Quarter("59299", "Trois Baudets", 50.6520, 3.1960, 0.9, True),
    Quarter("59299", "Lionderie", 50.6620, 3.1800, 0.6, True),
    Quarter("59410", "Nouveau Mons", 50.6410, 3.1120, 0.9, True),
    Quarter("59017", "Route Nationale", 50.6900, 2.8650, 0.6, True),
    Quarter("59017", "Centre", 50.6880, 2.8810, 0.2),
    Quarter("59163", "Saint-Pierre", 50.6750, 3.1600, 0.6, True),
    Quarter("59279", "Centre", 50.7350, 3.1260, 0.4, True),
    # Affluent neighbourhoods
    Quarter("59378", "Croisé Laroche", 50.6610, 3.0950, -0.6),
    Quarter("59378", "Buisson", 50.6700, 3.0850, -0.4),
    Quarter("59328", "Canon d'Or", 50.6500, 3.0320, -0.5),
)

# Poverty rate at 60 % (percent) by commune, close to the published order of magnitude.
COMMUNE_POVERTY: dict[str, float] = {
    "59512": 43.0,
    "59599": 28.0,
    "59650": 26.0,
    "59350": 25.0,
    "59360": 25.0,
    "59299": 24.0,
    "59410": 24.0,
    "59017": 22.0,
    "59009": 21.0,
    "59332": 20.0,
    "59163": 18.0,
    "59279": 17.0,
    "59286": 17.0,
    "59051": 17.0,
    "59367": 16.0,
    "59339": 15.0,
    "59152": 15.0,
    "59560": 14.0,
    "59220": 14.0,
    "59507": 13.0,
    "59368": 13.0,
    "59386": 13.0,
    "59656": 13.0,
    "59646": 12.0,
    "59011": 12.0,
    "59346": 12.0,
    "59527": 11.0,
    "59317": 11.0,
    "59648": 10.0,
    "59482": 10.0,
    "59457": 10.0,
    "59378": 9.0,
    "59426": 9.0,
    "59328": 8.0,
    "59508": 8.0,
    "59352": 8.0,
    "59343": 8.0,
    "59636": 6.0,
    "59421": 6.0,
    "59090": 4.0,
}
DEFAULT_POVERTY = 7.0

POSTAL_CODES: dict[str, str] = {
    "59350": "59000",
    "59512": "59100",
    "59599": "59200",
    "59009": "59650",
    "59650": "59150",
    "59378": "59700",
    "59328": "59130",
    "59017": "59280",
    "59360": "59120",
    "59368": "59110",
    "59163": "59170",
    "59279": "59250",
    "59410": "59370",
    "59646": "59290",
    "59507": "59790",
    "59299": "59510",
    "59220": "59155",
    "59286": "59320",
    "59648": "59139",
    "59367": "59390",
    "59508": "59223",
    "59421": "59420",
    "59527": "59350",
    "59560": "59113",
    "59152": "59560",
    "59636": "59118",
    "59011": "59112",
    "59386": "59520",
    "59426": "59960",
    "59090": "59910",
    "59339": "59115",
    "59332": "59390",
    "59343": "59810",
}

# Communes with a railway station (BPE E1xx), by INSEE code.
STATION_COMMUNES = (
    "59350",
    "59512",
    "59599",
    "59017",
    "59560",
    "59286",
    "59163",
    "59646",
    "59527",
    "59360",
    "59009",
    "59220",
    "59011",
    "59051",
    "59656",
    "59152",
)
