"""Language detection on texts the seeds do not contain."""

import pytest

from films.importer.language import detect_language

TEXTS = {
    "da": "Daniel flytter med sin mor til Californien, hvor han bliver mobbet af nogle drenge "
    "fra karateklubben Cobra Kai. Viceværten Miyagi lærer ham karate, og Daniel deltager i en "
    "turnering.",
    "no": "Rocky må se sin gamle venn Apollo Creed bli slått i hjel i en brutal kamp mot den "
    "sovjetiske bokseren Ivan Drago. Rocky klandrer seg selv fordi han ikke kastet inn håndkleet "
    "i tide, og bestemmer seg for å møte Drago i Moskva på julaften.",
    "sv": "Rocky tvingas se sin gamle vän Apollo Creed bli ihjälslagen i en brutal match mot den "
    "sovjetiske boxaren Ivan Drago. Rocky klandrar sig själv för att han inte kastade in "
    "handduken i tid, och bestämmer sig för att möta Drago i Moskva på juldagen.",
    "de": "Rocky muss mit ansehen, wie sein alter Freund Apollo Creed im Ring von dem "
    "sowjetischen Boxer Ivan Drago totgeschlagen wird. Er reist nach Russland, um sich zu rächen.",
    "fr": "Rocky voit son vieil ami Apollo Creed mourir sur le ring sous les coups du boxeur "
    "soviétique Ivan Drago. Il décide de l'affronter à Moscou, le jour de Noël.",
    "it": "Rocky assiste alla morte del suo vecchio amico Apollo Creed, ucciso sul ring dal pugile "
    "sovietico Ivan Drago. Decide di affrontarlo a Mosca, il giorno di Natale.",
    "es": "Rocky ve morir a su viejo amigo Apollo Creed en el ring a manos del boxeador soviético "
    "Ivan Drago, y decide enfrentarse a él en Moscú el día de Navidad.",
    "th": "ร็อคกี้ต้องเห็นเพื่อนเก่าของเขา อพอลโล่ ครี้ด ถูกนักมวยโซเวียต อีวาน ดราโก ชกจนเสียชีวิต",
}


@pytest.mark.parametrize(("language", "text"), TEXTS.items())
def test_paragraphs_get_their_language_with_confidence(language, text):
    guess = detect_language(text)
    assert guess.language == language
    assert guess.uncertain is False
    assert guess.confidence >= 0.9


@pytest.mark.parametrize("language", ["no", "sv"])
def test_norwegian_and_swedish_are_not_tagged_danish(language):
    assert detect_language(TEXTS[language]).language != "da"


def test_detection_is_deterministic():
    text = "En gammel japaner, mr. Miyagi, kommer ham til hjælp."
    assert len({detect_language(text) for _ in range(5)}) == 1


@pytest.mark.parametrize(
    "text",
    [
        "Epilogue: Legacy",  # measured: langdetect says Catalan
        "“I did it, Adrien…”",
        "Rocky!",
    ],
)
def test_short_text_is_marked_for_review(text):
    assert detect_language(text).uncertain is True


def test_bcp47_tag_for_chinese():
    assert detect_language(
        "洛奇是一名来自费城的拳击手，他得到了与世界冠军阿波罗·克里德比赛的机会。"
    ).language in {
        "zh-Hans",
        "zh-Hant",
        "ja",
    }


def _samples() -> list[str]:
    """Fixture paragraphs and lines, the texts above, and awkward input (URLs, capitals, runs)."""
    from django.conf import settings

    texts = list(TEXTS.values())
    for path in sorted((settings.BASE_DIR / "fixtures" / "synopses").glob("*.txt")):
        content = path.read_text(encoding="utf-8-sig")
        texts += [block for block in content.split("\n\n") if block.strip()]
        texts += [line for line in content.splitlines() if line.strip()][:40]
    return [
        *texts,
        "ROCKY BALBOA and APOLLO CREED   meet at http://example.org/x or a@b.dk — NASA, USA.",
        "Ngược dòng thời gian, Rocky Balboa trở lại sàn đấu.",
        "Рокки Бальбоа возвращается на ринг, чтобы сразиться с Иваном Драго в Москве.",
    ]


@pytest.mark.parametrize("text", _samples())
def test_the_configured_languages_agree_with_all_profiles(text, settings):
    """Where langdetect with all 55 profiles is sure, of a language the catalogue holds."""
    from films.importer.language import ALL_PROFILES, configured_setup, guess_language
    from films.languages import to_bcp47

    baseline = guess_language(text, setup=ALL_PROFILES)
    configured = {to_bcp47(code) for code in settings.IMPORT_LANGUAGES} | {"th"}
    if baseline.uncertain or baseline.language not in configured:
        return
    assert guess_language(text, setup=configured_setup()).language == baseline.language


def test_import_languages_can_be_all_profiles(settings):
    from films.importer.language import DetectorSetup, configured_setup

    settings.IMPORT_LANGUAGES = None
    assert configured_setup() == DetectorSetup(latin=None, other=None)
    assert detect_language(TEXTS["de"]).language == "de"


def test_an_unknown_import_language_is_a_configuration_error(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.IMPORT_LANGUAGES = ["de", "xx"]
    with pytest.raises(ImproperlyConfigured, match="xx"):
        detect_language(TEXTS["de"])
