"""Real-shaped SIECLE and STS-web exports, for tests and benchmarks (ISO-8859-15 by default).

Shapes follow FORMATS.md (element names, attributes, dates); content is invented.
"""

import datetime
import io
import random
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from carnet.core.identifiers import CHECK_ALPHABET

LAST_NAMES = (
    "MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT", "DURAND", "LEROY",
    "MOREAU", "SIMON", "LAURENT", "LEFÈVRE", "MICHEL", "GARCIA", "DAVID", "BERTRAND", "ROUX",
    "N'DIAYE", "ŒUVRAY", "CŒUR", "MÜLLER", "DA SILVA", "NGUYEN", "BENALI", "FRANÇOIS",
)  # fmt: skip
FIRST_NAMES = (
    "Lucas", "Léa", "Hugo", "Chloé", "Nathan", "Inès", "Enzo", "Manon", "Louis", "Cœlia",
    "Gabriel", "Maëlys", "Raphaël", "Zoé", "Anaïs", "Noé", "Éloïse", "Yanis", "Océane", "Jules",
)  # fmt: skip


def ine_bea(n: int) -> str:
    digits = f"{1200000000 + n:010d}"
    return digits + CHECK_ALPHABET[int(digits) % 23]


@dataclass
class Pupil:
    eleve_id: str
    last_name: str
    first_name: str
    birth: str  # dd/mm/yyyy, may be "" or malformed on purpose
    sex: str
    ine: str
    mef: str
    division: str
    groups: tuple[str, ...] = ()
    exit_date: str = ""
    previous_uai: str = "0691234S"


@dataclass
class Division:
    code: str
    label: str
    mef: str


@dataclass
class Staff:
    sts_id: str
    last_name: str
    first_name: str
    function: str  # ENS, DIR, EDU, DOC or ""
    civility: str = "2"
    birth: str = "1980-04-12"
    divisions: tuple[str, ...] = ()


@dataclass
class Establishment:
    uai: str = "0693046L"
    year: int = 2026
    divisions: list[Division] = field(default_factory=list)
    pupils: list[Pupil] = field(default_factory=list)
    staff: list[Staff] = field(default_factory=list)


MEFS = {
    "24725520310": "2NDPRO MET.ELEC.ENV.CONNEC (BAC PRO 3 ANS)",
    "24725520320": "1ERE PRO MET.ELEC.ENV.CONNEC",
    "24725520330": "TLEPRO MET.ELEC.ENV.CONNEC",
    "50025524210": "1CAP2 ELECTRICIEN",
    "50025524220": "2CAP2 ELECTRICIEN",
    "24725410310": "2NDPRO TECH.CONSTR.INSTAL.",  # no référentiel on the platform
}


def establishment(
    *, uai: str = "0693046L", year: int = 2026, pupils: int = 60, teachers: int = 6, seed: int = 1
) -> Establishment:
    rng = random.Random(seed)
    mefs = list(MEFS)
    n_divisions = max(1, pupils // 25)
    divisions = [
        Division(f"D{n:03d}", f"Division {n}", mefs[n % len(mefs)]) for n in range(n_divisions)
    ]
    result = Establishment(uai=uai, year=year, divisions=divisions)
    for n in range(pupils):
        division = divisions[n % n_divisions]
        birth = datetime.date(year - 16, 1, 1) + datetime.timedelta(days=rng.randrange(700))
        result.pupils.append(
            Pupil(
                eleve_id=str(700000 + n),
                last_name=LAST_NAMES[rng.randrange(len(LAST_NAMES))],
                first_name=FIRST_NAMES[rng.randrange(len(FIRST_NAMES))],
                birth=birth.strftime("%d/%m/%Y"),
                sex=rng.choice("12"),
                ine="" if n % 97 == 5 else ine_bea(n),
                mef=division.mef,
                division=division.code,
                groups=(f"G{division.code}A",) if n % 2 else (),
            )
        )
    result.staff.append(Staff("90001", "PROVISEUR", "Claire", "DIR"))
    result.staff.append(Staff("90002", "EDUCATION", "Paul", "EDU", civility="1"))
    result.staff.append(Staff("90003", "CONGE", "Anne", ""))  # on leave: no FONCTION
    for n in range(teachers):
        taught = tuple(divisions[(n + k) % n_divisions].code for k in range(3))
        result.staff.append(
            Staff(
                str(91000 + n),
                f"PROF{n}",
                FIRST_NAMES[n % len(FIRST_NAMES)],
                "ENS",
                divisions=taught,
            )
        )
    return result


def _prolog(encoding: str) -> str:
    return f'<?xml version="1.0" encoding="{encoding}"?>\n'


def _siecle_parameters(e: Establishment) -> str:
    return (
        f"<PARAMETRES><UAJ>{e.uai}</UAJ><ANNEE_SCOLAIRE>{e.year}</ANNEE_SCOLAIRE>"
        f"<DATE_EXPORT>05/09/{e.year}</DATE_EXPORT>"
        f"<HORODATAGE>05/09/{e.year} 10:12:00</HORODATAGE></PARAMETRES>\n"
    )


def pupils_xml(e: Establishment, *, encoding: str = "ISO-8859-15", with_addresses=False) -> bytes:
    out = [
        _prolog(encoding),
        '<BEE_ELEVES VERSION="3.0">\n',
        _siecle_parameters(e),
        "<DONNEES>\n<ELEVES>\n",
    ]
    for p in e.pupils:
        out.append(
            f'<ELEVE ELEVE_ID="{p.eleve_id}" ELENOET="{int(p.eleve_id) - 690000}">'
            f"<ID_NATIONAL>{p.ine}</ID_NATIONAL><ELENOET>{int(p.eleve_id) - 690000}</ELENOET>"
            f"<NOM_DE_FAMILLE>{escape(p.last_name)}</NOM_DE_FAMILLE><NOM_USAGE></NOM_USAGE>"
            f"<PRENOM>{escape(p.first_name)}</PRENOM><PRENOM2>Marie</PRENOM2>"
            f"<DATE_NAISS>{escape(p.birth)}</DATE_NAISS><CODE_SEXE>{p.sex}</CODE_SEXE>"
            "<CODE_PAYS>100</CODE_PAYS><VILLE_NAISS>LYON</VILLE_NAISS>"
            f"<CODE_MEF>{p.mef}</CODE_MEF><CODE_STATUT>ST</CODE_STATUT><CODE_REGIME>2</CODE_REGIME>"
            f"<DOUBLEMENT>N</DOUBLEMENT><DATE_ENTREE>02/09/{e.year}</DATE_ENTREE>"
            + (
                f"<DATE_SORTIE>{p.exit_date}</DATE_SORTIE><CODE_MOTIF_SORTIE>1</CODE_MOTIF_SORTIE>"
                if p.exit_date
                else ""
            )
            + (
                "<ADRESSE_ID>1</ADRESSE_ID><TEL_PERSONNEL>0601020304</TEL_PERSONNEL>"
                "<MEL>eleve@example.invalid</MEL>"
                if with_addresses
                else ""
            )
            + f"<SCOLARITE_AN_DERNIER><CODE_MEF>{p.mef}</CODE_MEF><CODE_RNE>{p.previous_uai}</CODE_RNE>"
            "<SIGLE>LP</SIGLE><DENOM_PRINC>LYCEE PROFESSIONNEL</DENOM_PRINC></SCOLARITE_AN_DERNIER>"
            "</ELEVE>\n"
        )
    out.append("</ELEVES>\n<OPTIONS></OPTIONS>\n<STRUCTURES>\n")
    for p in e.pupils:
        out.append(
            f'<STRUCTURES_ELEVE ELEVE_ID="{p.eleve_id}" ELENOET="{int(p.eleve_id) - 690000}">'
        )
        out.append(
            f"<STRUCTURE><CODE_STRUCTURE>{escape(p.division)}</CODE_STRUCTURE><TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE>"
        )
        for group in p.groups:
            out.append(
                f"<STRUCTURE><CODE_STRUCTURE>{escape(group)}</CODE_STRUCTURE><TYPE_STRUCTURE>G</TYPE_STRUCTURE></STRUCTURE>"
            )
        out.append("</STRUCTURES_ELEVE>\n")
    out.append("</STRUCTURES>\n")
    if with_addresses:
        out.append(
            '<PERSONNES><PERSONNE PERSONNE_ID="1"><NOM_DE_FAMILLE>PARENT</NOM_DE_FAMILLE>'
            "<LIGNE1_ADRESSE>1 rue des Lilas</LIGNE1_ADRESSE></PERSONNE></PERSONNES>\n"
        )
    out.append("</DONNEES>\n</BEE_ELEVES>\n")
    return "".join(out).encode(encoding)


def nomenclature_xml(e: Establishment, *, encoding: str = "ISO-8859-15") -> bytes:
    out = [
        _prolog(encoding),
        '<BEE_NOMENCLATURES VERSION="1.7">\n',
        _siecle_parameters(e),
        "<DONNEES><MEFS>\n",
    ]
    for code, label in MEFS.items():
        out.append(
            f'<MEF CODE_MEF="{code}"><FORMATION>{escape(label[:20])}</FORMATION>'
            f"<LIBELLE_LONG>{escape(label)}</LIBELLE_LONG><LIBELLE_EDITION>{escape(label.title())}</LIBELLE_EDITION>"
            f"<MEF_RATTACHEMENT>{code}</MEF_RATTACHEMENT><DATE_OUVERTURE>01/09/2019</DATE_OUVERTURE>"
            "<DATE_FERMETURE>31/12/9999</DATE_FERMETURE></MEF>\n"
        )
    out.append("</MEFS></DONNEES></BEE_NOMENCLATURES>\n")
    return "".join(out).encode(encoding)


def structures_xml(e: Establishment, *, encoding: str = "ISO-8859-15") -> bytes:
    out = [
        _prolog(encoding),
        '<BEE_STRUCTURES VERSION="2.0">\n',
        _siecle_parameters(e),
        "<DONNEES><DIVISIONS>\n",
    ]
    for d in e.divisions:
        out.append(
            f"<DIVISION CODE_STRUCTURE={quoteattr(d.code)}><LIBELLE_LONG>{escape(d.label)}</LIBELLE_LONG>"
            f"<MEFS_APPARTENANCE><MEF_APPARTENANCE><CODE_MEF>{d.mef}</CODE_MEF></MEF_APPARTENANCE></MEFS_APPARTENANCE></DIVISION>\n"
        )
    out.append("</DIVISIONS><GROUPES>\n")
    for d in e.divisions:
        out.append(
            f"<GROUPE CODE_STRUCTURE={quoteattr('G' + d.code + 'A')}><LIBELLE_LONG>Groupe A {escape(d.code)}</LIBELLE_LONG>"
            f"<DIVISIONS_APPARTENANCE><DIVISION_APPARTENANCE><CODE_STRUCTURE>{escape(d.code)}</CODE_STRUCTURE>"
            "</DIVISION_APPARTENANCE></DIVISIONS_APPARTENANCE></GROUPE>\n"
        )
    out.append("</GROUPES></DONNEES></BEE_STRUCTURES>\n")
    return "".join(out).encode(encoding)


def sts_xml(e: Establishment, *, encoding: str = "ISO-8859-15", root: str = "STS_EDT") -> bytes:
    out = [
        _prolog(encoding),
        f"<{root}>\n<PARAMETRES><UAJ CODE={quoteattr(e.uai)}><ACADEMIE><CODE>10</CODE></ACADEMIE>"
        "<DENOM_PRINC>LYCEE PROFESSIONNEL</DENOM_PRINC><DENOM_COMPL>AMPERE</DENOM_COMPL></UAJ>"
        f'<ANNEE_SCOLAIRE ANNEE="{e.year}"><DATE_DEBUT>{e.year}-09-01</DATE_DEBUT>'
        f"<DATE_FIN>{e.year + 1}-08-31</DATE_FIN></ANNEE_SCOLAIRE>",
    ]
    if root == "EDT_STS":
        out.append("<APPLICATION_SOURCE>LOGICIEL EDT 2026</APPLICATION_SOURCE>")
    out.append(
        '</PARAMETRES>\n<NOMENCLATURES><MATIERES><MATIERE CODE="050900"><CODE_GESTION>GEL</CODE_GESTION>'
        "<LIBELLE_COURT>GENIE ELEC</LIBELLE_COURT><LIBELLE_LONG>GENIE ELECTRIQUE</LIBELLE_LONG></MATIERE>"
        "</MATIERES></NOMENCLATURES>\n<DONNEES>\n<INDIVIDUS>\n"
    )
    for s in e.staff:
        out.append(
            f'<INDIVIDU ID="{s.sts_id}" TYPE="epp"><SEXE>{s.civility if s.civility in "12" else "2"}</SEXE>'
            f"<CIVILITE>{s.civility}</CIVILITE><NOM_USAGE>{escape(s.last_name)}</NOM_USAGE>"
            f"<NOM_PATRONYMIQUE>{escape(s.last_name)}</NOM_PATRONYMIQUE><PRENOM>{escape(s.first_name)}</PRENOM>"
            f"<DATE_NAISSANCE>{s.birth}</DATE_NAISSANCE><GRADE>PLP</GRADE>"
            + (f"<FONCTION>{s.function}</FONCTION>" if s.function else "")
            + '<DISCIPLINES><DISCIPLINE CODE="L6200"><LIBELLE_COURT>GENIE ELEC</LIBELLE_COURT>'
            "<NB_HEURES>18</NB_HEURES></DISCIPLINE></DISCIPLINES></INDIVIDU>\n"
        )
    out.append("</INDIVIDUS>\n<STRUCTURE><DIVISIONS>\n")
    for d in e.divisions:
        teachers = [s for s in e.staff if d.code in s.divisions]
        out.append(
            f"<DIVISION CODE={quoteattr(d.code)}><LIBELLE_LONG>{escape(d.label)}</LIBELLE_LONG>"
            f'<MEFS_APPARTENANCE><MEF_APPARTENANCE CODE="{d.mef}"/></MEFS_APPARTENANCE><SERVICES>'
            '<SERVICE CODE_MATIERE="050900" CODE_MOD_COURS="CG"><ENSEIGNANTS>'
            + "".join(f'<ENSEIGNANT ID="{t.sts_id}" TYPE="epp"/>' for t in teachers)
            + "</ENSEIGNANTS></SERVICE></SERVICES></DIVISION>\n"
        )
    out.append(f"</DIVISIONS><GROUPES></GROUPES></STRUCTURE>\n</DONNEES>\n</{root}>\n")
    return "".join(out).encode(encoding)


def zipped(files: dict[str, bytes], *, mac_junk: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
            if mac_junk:
                archive.writestr(f"__MACOSX/._{name}", b"\x00\x05\x16\x07junk")
        if mac_junk:
            archive.writestr(".DS_Store", b"\x00\x00\x00\x01Bud1")
    return buffer.getvalue()


def all_files(e: Establishment) -> dict[str, bytes]:
    return {
        "ElevesSansAdresses.xml": pupils_xml(e),
        "Nomenclature.xml": nomenclature_xml(e),
        "Structures.xml": structures_xml(e),
        f"sts_emp_{e.uai}_{e.year}.xml": sts_xml(e),
    }
