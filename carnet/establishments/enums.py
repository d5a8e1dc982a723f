from django.db import models


class Academie(models.TextChoices):
    AIX_MARSEILLE = "aix-marseille", "Aix-Marseille"
    AMIENS = "amiens", "Amiens"
    BESANCON = "besancon", "Besançon"
    BORDEAUX = "bordeaux", "Bordeaux"
    CLERMONT_FERRAND = "clermont-ferrand", "Clermont-Ferrand"
    CORSE = "corse", "Corse"
    CRETEIL = "creteil", "Créteil"
    DIJON = "dijon", "Dijon"
    GRENOBLE = "grenoble", "Grenoble"
    GUADELOUPE = "guadeloupe", "Guadeloupe"
    GUYANE = "guyane", "Guyane"
    LA_REUNION = "la-reunion", "La Réunion"
    LILLE = "lille", "Lille"
    LIMOGES = "limoges", "Limoges"
    LYON = "lyon", "Lyon"
    MARTINIQUE = "martinique", "Martinique"
    MAYOTTE = "mayotte", "Mayotte"
    MONTPELLIER = "montpellier", "Montpellier"
    NANCY_METZ = "nancy-metz", "Nancy-Metz"
    NANTES = "nantes", "Nantes"
    NICE = "nice", "Nice"
    NORMANDIE = "normandie", "Normandie"
    ORLEANS_TOURS = "orleans-tours", "Orléans-Tours"
    PARIS = "paris", "Paris"
    POITIERS = "poitiers", "Poitiers"
    REIMS = "reims", "Reims"
    RENNES = "rennes", "Rennes"
    STRASBOURG = "strasbourg", "Strasbourg"
    TOULOUSE = "toulouse", "Toulouse"
    VERSAILLES = "versailles", "Versailles"
    OTHER = "autre", "Autre (vice-rectorat, établissement à l'étranger)"


class ImageKind(models.TextChoices):
    LOGO = "logo", "Logo"
    STAMP = "cachet", "Cachet de l'établissement"


class ContextField(models.TextChoices):
    """Input fields of a scenario's « Contexte » section, whose labels form the masque de saisie."""

    DESCRIPTION = "description", "Description et mise en situation professionnelle"
    PROBLEM = "problematique", "Problématique métier et missions à réaliser"
    EQUIPMENT = "materiels", "Matériels et logiciels utilisés"
    LINKS = "liens", "Liens associés"
    SPACES = "espaces", "Espaces de formation"
