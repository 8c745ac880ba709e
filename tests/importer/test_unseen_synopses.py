# ruff: noqa: E501  (synopsis texts are data: long lines read better unbroken)
"""Synopses the seeds do not contain: other languages, other wordings, films outside the catalogue.

They run through the real importer with the real curated knowledge (fixtures/catalogue.toml).
"""

import pytest
from django.conf import settings

from films.importer.knowledge import load_knowledge
from films.importer.language import detect_language
from films.importer.matching import FilmMatcher

TESTS = [
    # ---------------------------------------------------------------- in the catalogue
    (
        "de",
        "rocky-ii",
        "Nach seinem Kampf gegen Apollo Creed liegt Rocky Balboa mit schweren Verletzungen im Krankenhaus. "
        "Er heiratet seine Freundin Adrian und versucht sich mit Werbeaufnahmen und Gelegenheitsjobs über Wasser "
        "zu halten, doch das Geld wird knapp. Apollo, von der Presse verspottet, fordert öffentlich einen Rückkampf. "
        "Als Adrian nach der Geburt ihres Sohnes ins Koma fällt, zweifelt Rocky an allem – bis sie erwacht und ihm "
        "sagt, er solle gewinnen. Trainer Mickey bereitet ihn auf den zweiten Kampf vor.",
    ),
    (
        "fr",
        "rocky-iv",
        "Apollo Creed, ancien champion du monde, accepte un combat d'exhibition à Las Vegas contre Ivan Drago, un "
        "boxeur soviétique colossal entraîné avec les méthodes les plus modernes. Apollo meurt sur le ring dans les "
        "bras de Rocky, qui n'a pas jeté l'éponge à temps. Rongé par la culpabilité, Rocky part s'entraîner dans la "
        "neige de la campagne russe et affronte Drago à Moscou le jour de Noël, devant un public hostile.",
    ),
    (
        "it",
        "rocky-iii",
        "Rocky Balboa è campione del mondo dei pesi massimi e vive nel lusso. Dopo un incontro di beneficenza con il "
        "lottatore Thunderlips, viene sfidato pubblicamente dal feroce Clubber Lang. Rocky perde il titolo e il suo "
        "vecchio allenatore Mickey muore poco dopo l'incontro. Sarà l'ex rivale Apollo Creed ad allenarlo a Los "
        "Angeles per fargli ritrovare l'occhio della tigre e affrontare la rivincita.",
    ),
    (
        "sv",
        "rocky-v",
        "Efter matchen i Moskva kommer Rocky hem och upptäcker att hans revisor har förskingrat hela förmögenheten. "
        "Läkarna konstaterar dessutom att han har fått hjärnskador och han tvingas sluta boxas. Familjen flyttar "
        "tillbaka till arbetarkvarteren i Philadelphia, där Rocky börjar träna den unge boxaren Tommy Gunn. När "
        "promotorn George Washington Duke lockar över Tommy blir sonen Robert alltmer bortglömd, och det hela slutar "
        "i ett slagsmål på gatan.",
    ),
    (
        "no",
        "rocky",
        "Rocky Balboa er en middelmådig klubbokser i Philadelphia som tjener til livets opphold som pengeinnkrever "
        "for en lånehai. Da verdensmesteren i tungvekt, Apollo Creed, mister motstanderen sin til en stor "
        "oppvisningskamp på nyttårsdagen, velger han en ukjent lokal bokser for reklamens skyld. Rocky får sjansen "
        "han aldri har drømt om. Med hjelp fra den gamle treneren Mickey trener han hardt, samtidig som han "
        "forelsker seg i den sjenerte Adrian, søsteren til vennen Paulie.",
    ),
    (
        "de",
        "creed-ii",
        "Adonis Creed hat den Weltmeistertitel im Schwergewicht gewonnen und macht seiner Freundin Bianca einen "
        "Heiratsantrag. Da taucht Ivan Drago auf, der vor über dreißig Jahren Adonis' Vater Apollo im Ring getötet "
        "hat, und fordert ihn mit seinem Sohn Viktor heraus. Gegen den Rat seines Trainers Rocky Balboa nimmt Adonis "
        "den Kampf an und wird schwer verletzt. Erst nach hartem Training in der Wüste kommt es in Moskau zur "
        "Revanche.",
    ),
    (
        "en",
        "creed-ii",
        "Adonis Creed wins the heavyweight title and proposes to Bianca. Then Ivan Drago, the man who killed "
        "Adonis's father Apollo in the ring more than thirty years ago, arrives from Ukraine with his son Viktor "
        "Drago, a brutal young fighter. Against Rocky's advice Adonis accepts the challenge and is badly beaten; "
        "the rematch takes place in Moscow.",
    ),
    (
        "fr",
        "the-karate-kid-part-ii",
        "Daniel accompagne M. Miyagi à Okinawa, où le père de celui-ci est mourant. Sur place, Miyagi retrouve son "
        "ancien ami devenu ennemi, Sato, qui veut régler un vieux compte, tandis que Daniel s'attire la haine de "
        "Chozen, le neveu de Sato, et tombe amoureux de la jeune Kumiko. Un typhon frappe le village avant "
        "l'affrontement final.",
    ),
    (
        "it",
        "the-next-karate-kid",
        "Il maestro Miyagi si reca a Boston per una commemorazione dei veterani nippo-americani e conosce Louisa, "
        "vedova del suo vecchio comandante. La nipote di lei, Julie Pierce, è una ragazza ribelle che ha perso i "
        "genitori in un incidente e viene tormentata a scuola da una banda protetta dal colonnello Dugan. Miyagi "
        "insegna il karate a Julie e la porta anche in un monastero buddista.",
    ),
    (
        "sv",
        "chariots-of-fire",
        "Filmen skildrar två brittiska löpare inför de olympiska spelen i Paris 1924: den judiske "
        "Cambridgestudenten Harold Abrahams, som springer för att vinna respekt, och den djupt troende skotten "
        "Eric Liddell, som vägrar att tävla på en söndag. Med tränaren Sam Mussabini vid sin sida satsar Abrahams "
        "allt på hundra meter.",
    ),
    (
        "no",
        "lucky-you",
        "Huck Cheever er en talentfull, men impulsiv pokerspiller i Las Vegas som trenger 10 000 dollar for å delta "
        "i World Series of Poker. Der møter han sangerinnen Billie Offer, samtidig som han må gjøre opp med sin far, "
        "den legendariske spilleren L.C. Cheever, som han skal møte ved pokerbordet.",
    ),
    (
        "de",
        "the-karate-kid-2010",
        "Der zwölfjährige Dre Parker zieht mit seiner Mutter von Detroit nach Peking. In der neuen Schule wird er "
        "von dem Kung-Fu-Schüler Cheng und seinen Freunden schikaniert. Der wortkarge Hausmeister Mr. Han, ein "
        "heimlicher Kung-Fu-Meister, nimmt sich des Jungen an und bereitet ihn auf ein Turnier vor.",
    ),
    (
        "fr",
        "creed-iii",
        "Adonis Creed a pris sa retraite et profite de sa réussite avec Bianca et leur fille Amara. Mais Damian "
        "Anderson, un ami d'enfance qui sort de dix-huit ans de prison, refait surface et veut sa chance sur le ring. "
        "Adonis doit affronter son passé et remonter sur le ring pour un combat décisif à Los Angeles.",
    ),
    (
        "it",
        "rocky-balboa",
        "Rocky Balboa, vedovo di Adrian, gestisce un ristorante italiano a Filadelfia e racconta ai clienti i suoi "
        "vecchi incontri. Quando una simulazione al computer lo dà vincente contro l'attuale campione Mason Dixon, "
        "Rocky decide di tornare sul ring a quasi sessant'anni per un incontro di esibizione a Las Vegas.",
    ),
    (
        "sv",
        "the-karate-kid",
        "Tonåringen Daniel LaRusso flyttar med sin mamma från New Jersey till Kalifornien. Efter att ha blivit "
        "slagen av Johnny Lawrence och hans kamrater från karateskolan Cobra Kai får han hjälp av den gamle "
        "fastighetsskötaren Mr Miyagi, som lär honom karate genom att tvätta bilar och måla staket. Till slut möter "
        "Daniel sina plågoandar i All Valley-turneringen.",
    ),
    (
        "no",
        "creed",
        "Adonis Johnson er sønn av den avdøde bokselegenden Apollo Creed, som han aldri fikk møte. Han slutter i "
        "jobben sin i Los Angeles og reiser til Philadelphia for å be Rocky Balboa om å trene ham. Rocky, som nå "
        "driver en restaurant og får påvist kreft, sier til slutt ja. Adonis får sjansen til å bokse om tittelen "
        "mot verdensmesteren «Pretty» Ricky Conlan i Liverpool.",
    ),
    (
        "de",
        "the-karate-kid-part-iii",
        "Um sich an Daniel und Mr. Miyagi zu rächen, verbündet sich Cobra-Kai-Gründer John Kreese mit seinem "
        "reichen Kriegskameraden Terry Silver. Silver heuert den brutalen Karatekämpfer Mike Barnes an, der Daniel "
        "zwingen soll, seinen Titel beim All-Valley-Turnier zu verteidigen. Miyagi weigert sich zunächst, Daniel zu "
        "trainieren, und kümmert sich lieber um seinen Bonsai-Laden.",
    ),
    (
        "fr",
        "karate-kid-legends",
        "Après la mort de son frère, le jeune Li Fong, prodige du kung-fu, quitte Pékin avec sa mère pour "
        "s'installer à New York. Dans son nouveau lycée, il se lie d'amitié avec Mia et son père Victor, un ancien "
        "boxeur. Pour participer au grand tournoi de karaté des Five Boroughs, Li est entraîné par son maître, "
        "M. Han, et par Daniel LaRusso.",
    ),
    (
        "en",
        "rocky-7",
        "In this fan-made concept story, an ageing Rocky Balboa steps into the ring one last time against Iron Mike "
        'Tyson, who has come out of retirement for a charity bout in Las Vegas. Trained by Tony "Duke" Evers Jr. '
        "and cheered on by his son Robert, Rocky goes twelve rounds and the fight ends in a split draw.",
    ),
    # ---------------------------------------------------------------- NOT in the catalogue
    (
        "de",
        None,  # Raging Bull
        "Martin Scorseses Boxerdrama erzählt vom Aufstieg und Fall des Mittelgewichtlers Jake LaMotta (Robert De "
        "Niro). Sein Bruder Joey (Joe Pesci) managt ihn, während LaMotta die fünfzehnjährige Vickie heiratet und "
        "von krankhafter Eifersucht zerfressen wird. Nach mehreren Kämpfen gegen Sugar Ray Robinson und dem "
        "Karriereende tritt er als Alleinunterhalter in Nachtclubs auf.",
    ),
    (
        "fr",
        None,  # The Fighter
        "À Lowell, dans le Massachusetts, le boxeur Micky Ward tente de relancer sa carrière sous la coupe de sa "
        "mère et de son demi-frère Dicky Eklund, ancienne gloire du ring devenue toxicomane. Avec l'aide de sa "
        "petite amie Charlene et d'un nouvel entraîneur, Micky obtient enfin la chance de sa vie : un combat pour "
        "le titre mondial.",
    ),
    (
        "it",
        None,  # Cinderella Man
        "Durante la Grande Depressione l'ex pugile James J. Braddock lavora al porto per mantenere la moglie Mae e "
        "i tre figli. Grazie al suo manager Joe Gould ottiene un'ultima occasione sul ring e, contro ogni "
        "previsione, arriva a sfidare il campione dei pesi massimi Max Baer in un incontro leggendario.",
    ),
    (
        "sv",
        None,  # Million Dollar Baby
        "Den tystlåtne tränaren Frankie Dunn (Clint Eastwood) driver en sliten boxningsklubb i Los Angeles "
        "tillsammans med den före detta boxaren Scrap (Morgan Freeman). När servitrisen Maggie Fitzgerald (Hilary "
        "Swank) ber honom träna henne vägrar han först, men hennes envishet leder henne ända till en titelmatch i "
        "Las Vegas.",
    ),
    (
        "no",
        None,  # Philadelphia (1993)
        "Advokaten Andrew Beckett (Tom Hanks) blir sparket fra et prestisjetungt advokatfirma i Philadelphia etter "
        "at kollegene oppdager at han har aids. Han saksøker firmaet for usaklig oppsigelse, og den eneste "
        "advokaten som vil ta saken, er den homofobe Joe Miller (Denzel Washington).",
    ),
    (
        "de",
        None,  # Kung Fu Panda
        "Der tollpatschige Pandabär Po arbeitet in der Nudelsuppenküche seines Vaters, träumt aber vom Kung Fu. "
        "Überraschend wird er von Meister Oogway zum Drachenkrieger erwählt und muss unter der Anleitung von Meister "
        "Shifu gegen den gefährlichen Schneeleoparden Tai Lung antreten. Im Original sprechen Jack Black, Dustin "
        "Hoffman, Angelina Jolie und Jackie Chan.",
    ),
    (
        "fr",
        None,  # The Hangover
        "Deux jours avant le mariage de Doug, ses trois meilleurs amis l'emmènent à Las Vegas pour enterrer sa vie "
        "de garçon. Le lendemain matin, ils se réveillent dans une suite dévastée du Caesars Palace, avec un tigre "
        "dans la salle de bain, un bébé dans le placard et aucun souvenir de la nuit. Doug a disparu, et le tigre "
        "appartient à Mike Tyson.",
    ),
    (
        "en",
        None,  # Rounders
        "Law student Mike McDermott (Matt Damon) loses his savings to Russian mobster Teddy KGB in an underground "
        "New York poker club and swears off cards. When his old friend Worm gets out of prison owing money to "
        "dangerous people, Mike is pulled back into the game, dreaming of one day playing in the World Series of "
        "Poker in Las Vegas.",
    ),
    (
        "de",
        None,  # Black Panther
        "Nach dem Tod seines Vaters kehrt T'Challa (Chadwick Boseman) in das abgeschottete afrikanische Königreich "
        "Wakanda zurück, um den Thron zu besteigen. Doch der skrupellose Erik Killmonger (Michael B. Jordan) fordert "
        "ihn heraus. Regie führte Ryan Coogler.",
    ),
    (
        "it",
        None,  # The Godfather
        "New York, 1945. Don Vito Corleone (Marlon Brando) è il capo di una delle cinque famiglie mafiose. Al "
        "matrimonio della figlia Connie (Talia Shire) riceve amici e postulanti, mentre il figlio Michael (Al "
        "Pacino), reduce di guerra, vuole restare fuori dagli affari di famiglia. Quando il padre viene ferito in un "
        "attentato, Michael prende in mano la situazione con l'aiuto del consigliere Tom Hagen (Robert Duvall).",
    ),
    (
        "de",
        None,  # Southpaw
        "Der Halbschwergewichts-Weltmeister Billy Hope (Jake Gyllenhaal) verliert bei einer Schießerei seine Frau "
        "Maureen (Rachel McAdams) und kurz darauf das Sorgerecht für seine Tochter. Ganz unten angekommen, bittet er "
        "den alten Trainer Tick Wills (Forest Whitaker) um Hilfe und kämpft sich zurück in den Ring – bis zum "
        "Titelkampf in Las Vegas gegen seinen Erzrivalen.",
    ),
    (
        "sv",
        None,  # Race (2016)
        "Filmen handlar om friidrottaren Jesse Owens som under ledning av tränaren Larry Snyder kvalificerar sig för "
        "de olympiska spelen i Berlin 1936. Mitt i nazisternas propaganda vinner Owens fyra guldmedaljer.",
    ),
    (
        "en",
        None,  # Bridge of Spies
        "At the height of the Cold War, Brooklyn insurance lawyer James Donovan (Tom Hanks) is asked to defend the "
        "accused Soviet spy Rudolf Abel. When American pilot Francis Gary Powers is shot down over the Soviet Union, "
        "Donovan travels to East Berlin to negotiate an exchange.",
    ),
    (
        "no",
        None,  # Talk to Her (Hable con ella)
        "Sykepleieren Benigno pleier den unge danserinnen Alicia, som har ligget i koma i fire år etter en "
        "trafikkulykke. På klinikken blir han venn med journalisten Marco, hvis kjæreste, tyrefekteren Lydia, også "
        "havner i koma etter en ulykke i arenaen.",
    ),
]


@pytest.fixture(scope="module")
def matcher(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            load_knowledge(settings.FILM_KNOWLEDGE_FILE)
            built = FilmMatcher.from_database()
            transaction.set_rollback(True)
    return built


@pytest.mark.parametrize(
    ("language", "slug", "text"),
    TESTS,
    ids=[
        f"{language}-{slug or 'outside'}-{index}" for index, (language, slug, _) in enumerate(TESTS)
    ],
)
def test_unseen_synopsis_goes_to_its_film_or_to_none(matcher, language, slug, text):
    result = matcher.match(text)
    assert (result.film.slug if result.film else None) == slug, result.candidates[:2]


@pytest.mark.parametrize(
    ("language", "text"),
    [(language, text) for language, _, text in TESTS],
    ids=[f"{language}-{index}" for index, (language, _, _) in enumerate(TESTS)],
)
def test_unseen_synopsis_gets_its_language(language, text):
    guess = detect_language(text)
    assert guess.language == language
