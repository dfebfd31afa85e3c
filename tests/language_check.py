"""A multilingual check set for language detection, written for this project: two short news
texts (a flood, rising prices) in each of 30 languages, including pairs that are easy to
confuse (Danish / Norwegian / Swedish, Czech / Slovak, Croatian / Slovenian, Indonesian /
Malay-like Indonesian, Spanish / Portuguese / Italian)."""

CHECK_SET = [
    (
        "en",
        "Heavy rain flooded dozens of streets in the old town overnight, and firefighters pumped water out of cellars until the early morning.",
    ),
    (
        "en",
        "Food prices rose again last month, driven by the cost of bread and vegetables, according to figures published by the statistics office.",
    ),
    (
        "de",
        "Starker Regen hat in der Nacht Dutzende Straßen der Altstadt überflutet, die Feuerwehr pumpte bis zum frühen Morgen Keller leer.",
    ),
    (
        "de",
        "Die Lebensmittelpreise sind im vergangenen Monat erneut gestiegen, vor allem wegen teurerem Brot und Gemüse, teilte das Statistikamt mit.",
    ),
    (
        "fr",
        "De fortes pluies ont inondé des dizaines de rues de la vieille ville pendant la nuit, et les pompiers ont vidé les caves jusqu'au matin.",
    ),
    (
        "fr",
        "Les prix de l'alimentation ont encore augmenté le mois dernier, portés par le pain et les légumes, selon l'institut de la statistique.",
    ),
    (
        "es",
        "Las fuertes lluvias inundaron durante la noche decenas de calles del casco antiguo y los bomberos achicaron sótanos hasta la madrugada.",
    ),
    (
        "es",
        "Los precios de los alimentos volvieron a subir el mes pasado, impulsados por el pan y las verduras, según los datos del instituto de estadística.",
    ),
    (
        "it",
        "Le forti piogge hanno allagato durante la notte decine di strade del centro storico e i vigili del fuoco hanno svuotato le cantine fino all'alba.",
    ),
    (
        "it",
        "I prezzi dei generi alimentari sono aumentati di nuovo il mese scorso, spinti dal pane e dalla verdura, secondo l'istituto di statistica.",
    ),
    (
        "pt",
        "As chuvas fortes inundaram durante a noite dezenas de ruas do centro histórico e os bombeiros esvaziaram caves até de madrugada.",
    ),
    (
        "pt",
        "Os preços dos alimentos voltaram a subir no mês passado, puxados pelo pão e pelos legumes, segundo os dados do instituto de estatística.",
    ),
    (
        "nl",
        "Zware regenval heeft vannacht tientallen straten in de oude binnenstad onder water gezet; de brandweer pompte tot de ochtend kelders leeg.",
    ),
    (
        "nl",
        "De voedselprijzen zijn vorige maand opnieuw gestegen, vooral door duurder brood en groenten, meldt het statistiekbureau.",
    ),
    (
        "ru",
        "Сильный дождь ночью затопил десятки улиц старого города, пожарные до утра откачивали воду из подвалов жилых домов.",
    ),
    (
        "ru",
        "Цены на продукты в прошлом месяце снова выросли, прежде всего на хлеб и овощи, сообщило статистическое ведомство.",
    ),
    (
        "uk",
        "Сильна злива вночі затопила десятки вулиць старого міста, а рятувальники до ранку відкачували воду з підвалів будинків.",
    ),
    (
        "uk",
        "Ціни на продукти минулого місяця знову зросли, насамперед на хліб і овочі, повідомила державна служба статистики.",
    ),
    (
        "pl",
        "Ulewny deszcz zalał w nocy dziesiątki ulic starego miasta, a strażacy do rana wypompowywali wodę z piwnic budynków.",
    ),
    (
        "pl",
        "Ceny żywności w ubiegłym miesiącu znowu wzrosły, głównie z powodu droższego chleba i warzyw, podał urząd statystyczny.",
    ),
    (
        "cs",
        "Silný déšť v noci zaplavil desítky ulic ve starém městě a hasiči až do rána odčerpávali vodu ze sklepů domů.",
    ),
    (
        "cs",
        "Ceny potravin minulý měsíc opět vzrostly, hlavně kvůli dražšímu chlebu a zelenině, uvedl Český statistický úřad.",
    ),
    (
        "sk",
        "Silný dážď v noci zaplavil desiatky ulíc v starom meste a hasiči až do rána odčerpávali vodu z pivníc domov.",
    ),
    (
        "sk",
        "Ceny potravín minulý mesiac opäť stúpli, najmä pre drahší chlieb a zeleninu, uviedol Štatistický úrad Slovenskej republiky.",
    ),
    (
        "hr",
        "Obilna kiša tijekom noći poplavila je desetke ulica u starom gradu, a vatrogasci su do jutra ispumpavali vodu iz podruma.",
    ),
    (
        "hr",
        "Cijene hrane prošli su mjesec ponovno porasle, ponajviše zbog skupljeg kruha i povrća, objavio je Državni zavod za statistiku.",
    ),
    (
        "sl",
        "Močan dež je ponoči poplavil več deset ulic v starem mestnem jedru, gasilci pa so do jutra črpali vodo iz kleti.",
    ),
    (
        "sl",
        "Cene hrane so se prejšnji mesec znova zvišale, predvsem zaradi dražjega kruha in zelenjave, je sporočil statistični urad.",
    ),
    (
        "sv",
        "Kraftigt regn översvämmade under natten dussintals gator i gamla stan, och brandkåren pumpade ut vatten ur källare till morgonen.",
    ),
    (
        "sv",
        "Matpriserna steg igen förra månaden, främst på grund av dyrare bröd och grönsaker, enligt Statistiska centralbyrån.",
    ),
    (
        "da",
        "Kraftig regn oversvømmede i nat snesevis af gader i den gamle bydel, og brandvæsenet pumpede vand ud af kældre til morgenstunden.",
    ),
    (
        "da",
        "Fødevarepriserne steg igen i sidste måned, især på grund af dyrere brød og grøntsager, oplyser Danmarks Statistik.",
    ),
    (
        "no",
        "Kraftig regn satte i natt dusinvis av gater i gamlebyen under vann, og brannvesenet pumpet vann ut av kjellere til morgenen.",
    ),
    (
        "no",
        "Matprisene steg igjen forrige måned, særlig på grunn av dyrere brød og grønnsaker, melder Statistisk sentralbyrå.",
    ),
    (
        "fi",
        "Rankka sade tulvi yöllä kymmeniä katuja vanhassa kaupungissa, ja palokunta pumppasi vettä kellareista aamuun asti.",
    ),
    (
        "fi",
        "Ruoan hinnat nousivat jälleen viime kuussa, etenkin leivän ja vihannesten kallistumisen vuoksi, kertoi Tilastokeskus.",
    ),
    (
        "hu",
        "Az éjszakai felhőszakadás több tucat utcát öntött el az óvárosban, a tűzoltók reggelig szivattyúzták a vizet a pincékből.",
    ),
    (
        "hu",
        "Az élelmiszerárak a múlt hónapban ismét emelkedtek, főként a drágább kenyér és zöldség miatt, közölte a statisztikai hivatal.",
    ),
    (
        "ro",
        "Ploile abundente au inundat în timpul nopții zeci de străzi din centrul vechi, iar pompierii au scos apa din pivnițe până dimineața.",
    ),
    (
        "ro",
        "Prețurile alimentelor au crescut din nou luna trecută, mai ales din cauza pâinii și a legumelor, potrivit Institutului Național de Statistică.",
    ),
    (
        "el",
        "Η έντονη βροχόπτωση πλημμύρισε τη νύχτα δεκάδες δρόμους της παλιάς πόλης και οι πυροσβέστες άντλησαν νερό από υπόγεια ως το πρωί.",
    ),
    (
        "el",
        "Οι τιμές των τροφίμων αυξήθηκαν ξανά τον περασμένο μήνα, κυρίως λόγω του ακριβότερου ψωμιού και των λαχανικών, ανακοίνωσε η στατιστική υπηρεσία.",
    ),
    (
        "tr",
        "Şiddetli yağmur gece boyunca eski şehirde onlarca sokağı su altında bıraktı, itfaiye sabaha kadar bodrumlardan su boşalttı.",
    ),
    (
        "tr",
        "Gıda fiyatları geçen ay yine yükseldi; artışta en büyük pay ekmek ve sebzenin oldu, istatistik kurumu açıkladı.",
    ),
    (
        "ar",
        "أغرقت الأمطار الغزيرة خلال الليل عشرات الشوارع في المدينة القديمة، وواصل رجال الإطفاء ضخ المياه من الأقبية حتى الصباح.",
    ),
    ("ar", "ارتفعت أسعار المواد الغذائية مجددا الشهر الماضي، مدفوعة بأسعار الخبز والخضروات، وفقا لأرقام مكتب الإحصاء."),
    ("he", "גשם כבד הציף בלילה עשרות רחובות בעיר העתיקה, וכבאים שאבו מים ממרתפים עד שעות הבוקר המוקדמות."),
    ("he", "מחירי המזון עלו שוב בחודש שעבר, בעיקר בשל התייקרות הלחם והירקות, כך לפי נתוני הלשכה המרכזית לסטטיסטיקה."),
    ("hi", "रात भर हुई भारी बारिश से पुराने शहर की दर्जनों सड़कों पर पानी भर गया और दमकलकर्मी सुबह तक तहखानों से पानी निकालते रहे।"),
    ("hi", "पिछले महीने खाने-पीने की चीज़ों के दाम फिर बढ़ गए, सबसे ज़्यादा रोटी और सब्ज़ियों के, सांख्यिकी कार्यालय ने बताया।"),
    ("zh", "昨夜的暴雨淹没了老城区的数十条街道，消防员一直抽水到凌晨才把地下室的积水排干。"),
    ("zh", "统计局公布的数据显示，上个月食品价格再次上涨，主要原因是面包和蔬菜价格上升。"),
    ("ja", "昨夜の豪雨で旧市街の数十本の通りが冠水し、消防隊は明け方まで地下室から水をくみ出した。"),
    ("ja", "統計局の発表によると、先月の食品価格はパンや野菜を中心に再び上昇した。"),
    ("ko", "밤사이 내린 폭우로 구시가지의 도로 수십 곳이 물에 잠겼고 소방관들은 새벽까지 지하실의 물을 퍼냈다."),
    ("ko", "통계청에 따르면 지난달 식료품 가격이 빵과 채소를 중심으로 다시 올랐다."),
    (
        "id",
        "Hujan deras semalam merendam puluhan jalan di kawasan kota tua, dan petugas pemadam kebakaran menyedot air dari ruang bawah tanah hingga pagi.",
    ),
    (
        "id",
        "Harga pangan kembali naik bulan lalu, terutama karena roti dan sayuran yang lebih mahal, menurut data Badan Pusat Statistik.",
    ),
    (
        "vi",
        "Mưa lớn trong đêm đã làm ngập hàng chục con phố ở khu phố cổ, lính cứu hỏa bơm nước ra khỏi các tầng hầm đến sáng.",
    ),
    (
        "vi",
        "Giá thực phẩm tháng trước lại tăng, chủ yếu do bánh mì và rau củ đắt hơn, theo số liệu của Tổng cục Thống kê.",
    ),
]
