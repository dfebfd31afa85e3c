"""The article's language: detected from its text, the page's declaration kept unless the text surely says otherwise."""

import pytest

from archive.extract.language import choose, detect

TEXTS = {
    "en": "The city council voted on Tuesday to replace the ageing bridge over the river, ending a long dispute.",
    "de": "Der Stadtrat hat am Dienstag beschlossen, die marode Brücke über den Fluss zu ersetzen und den Streit zu beenden.",
    "fr": "Le conseil municipal a voté mardi le remplacement du vieux pont sur la rivière, mettant fin à un long différend.",
    "es": "El ayuntamiento votó el martes la sustitución del viejo puente sobre el río, poniendo fin a una larga disputa.",
    "it": "Il consiglio comunale ha votato martedì la sostituzione del vecchio ponte sul fiume, ponendo fine a una lunga disputa.",
    "pt": "A câmara municipal votou na terça-feira a substituição da velha ponte sobre o rio, pondo fim a uma longa disputa.",
    "nl": "De gemeenteraad heeft dinsdag besloten de oude brug over de rivier te vervangen, na een lang conflict.",
    "ru": "Городской совет во вторник проголосовал за замену старого моста через реку, положив конец долгому спору.",
    "pl": "Rada miasta zagłosowała we wtorek za wymianą starego mostu na rzece, kończąc długi spór mieszkańców.",
    "tr": "Belediye meclisi salı günü nehir üzerindeki eski köprünün yenilenmesine karar verdi ve uzun tartışmayı bitirdi.",
    "ar": "صوت مجلس المدينة يوم الثلاثاء على استبدال الجسر القديم فوق النهر، منهيا نزاعا طويلا بين السكان.",
    "zh": "市议会周二投票决定更换河上的旧桥，结束了居民之间长期的争论。",
    "ja": "市議会は火曜日、川に架かる古い橋の架け替えを決定し、長年の論争に終止符を打った。",
    "uk": "Міська рада у вівторок проголосувала за заміну старого мосту через річку, поклавши край довгій суперечці.",
}


@pytest.mark.parametrize("code", sorted(TEXTS))
def test_one_sentence_is_enough_in_many_languages(code):
    assert detect(TEXTS[code])[0] == code


def test_undeclared_text_gets_the_detected_language_with_its_source():
    language, source = choose(None, None, TEXTS["de"] * 2)
    assert language == "de" and source.startswith("text (")


def test_a_declaration_stays_unless_the_text_surely_says_otherwise():
    assert choose("en-US", "html-lang", TEXTS["en"] * 2) == ("en", "html-lang")
    language, source = choose("en", "html-lang", TEXTS["de"] * 3)  # a site-wide lang around a German story
    assert language == "de" and "declared en" in source
    assert choose("de_CH", "opengraph", "Zürich.") == ("de", "opengraph")  # too little text to overrule


def test_the_multilingual_check_set_is_right_at_least_98_percent_of_the_time():
    from language_check import CHECK_SET

    wrong = [(code, choose(None, None, text)[0]) for code, text in CHECK_SET if choose(None, None, text)[0] != code]
    assert len(wrong) <= 0.02 * len(CHECK_SET), wrong
