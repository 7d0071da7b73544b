//! Customers shaped like a real intake file: 16 countries, names in their own scripts, phone
//! numbers of each country written the ways people write them, entities with their legal forms,
//! beneficial owners and IP access logs. Deterministic (a fixed seed), so runs compare.
//!
//! The phone numbers start from each region's example numbers in libphonenumber's metadata,
//! with the last three digits varied; formats: international with spaces or dashes, E.164,
//! national (the customer's country is the default region), national with the area code in
//! parentheses or dots, and extensions. A bench on numbers of two or three alike shapes once hid
//! a 40× slowdown (issue 20): keep the mix.

use rlibphonenumber::{PHONE_NUMBER_UTIL, PhoneNumberFormat, PhoneNumberType, Region};

/// One country's vocabulary.
struct Locale {
    country: &'static str,
    given: &'static [&'static str],
    family: &'static [&'static str],
    /// Family name first (CJK, Hungarian order) when writing a full name.
    family_first: bool,
    /// Joins given and family name ("" for CJK).
    joiner: &'static str,
    cities: &'static [&'static str],
    streets: &'static [&'static str],
    legal_forms: &'static [&'static str],
    tld: &'static str,
    /// Postal code shape: each `9` is a digit.
    postal: &'static str,
}

const LOCALES: [Locale; 16] = [
    Locale {
        country: "KR",
        given: &["민준", "서연", "지호", "하은", "도윤", "수아", "예준", "지우"],
        family: &["김", "이", "박", "최", "정", "강", "조", "윤"],
        family_first: true,
        joiner: "",
        cities: &["서울", "부산", "인천", "대구"],
        streets: &["세종대로", "테헤란로", "해운대로", "중앙로"],
        legal_forms: &["주식회사", "유한회사"],
        tld: "kr",
        postal: "99999",
    },
    Locale {
        country: "DE",
        given: &["Lukas", "Sophie", "Maximilian", "Marie", "Jürgen", "Änne", "Jonas", "Lea"],
        family: &["Müller", "Schmidt", "Schneider", "Fischer", "Weiß", "Größer", "Becker", "Hoffmann"],
        family_first: false,
        joiner: " ",
        cities: &["Berlin", "München", "Köln", "Düsseldorf"],
        streets: &["Hauptstraße", "Schloßallee", "Bahnhofstraße", "Königsweg"],
        legal_forms: &["GmbH", "AG", "GmbH & Co. KG", "UG (haftungsbeschränkt)"],
        tld: "de",
        postal: "99999",
    },
    Locale {
        country: "CN",
        given: &["伟", "芳", "娜", "秀英", "敏", "静", "磊", "洋"],
        family: &["王", "李", "张", "刘", "陈", "杨", "黄", "赵"],
        family_first: true,
        joiner: "",
        cities: &["北京", "上海", "深圳", "广州"],
        streets: &["长安街", "南京路", "深南大道", "中山路"],
        legal_forms: &["有限公司", "股份有限公司", "科技有限公司"],
        tld: "cn",
        postal: "999999",
    },
    Locale {
        country: "BR",
        given: &["João", "Maria", "José", "Ana", "Luís", "Francisca", "Antônio", "Conceição"],
        family: &["Silva", "Santos", "Oliveira", "Souza", "Conceição", "Araújo", "Gonçalves", "Lima"],
        family_first: false,
        joiner: " ",
        cities: &["São Paulo", "Rio de Janeiro", "Belo Horizonte", "Florianópolis"],
        streets: &["Avenida Paulista", "Rua Augusta", "Rua da Consolação", "Avenida Atlântica"],
        legal_forms: &["Ltda.", "S.A.", "EIRELI", "ME"],
        tld: "com.br",
        postal: "99999-999",
    },
    Locale {
        country: "JP",
        given: &["陽翔", "結衣", "蓮", "さくら", "大翔", "ひなた", "湊", "美咲"],
        family: &["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村"],
        family_first: true,
        joiner: "",
        cities: &["東京都", "大阪市", "横浜市", "名古屋市"],
        streets: &["千代田1丁目", "梅田2丁目", "みなとみらい3丁目", "栄4丁目"],
        legal_forms: &["株式会社", "合同会社", "有限会社"],
        tld: "co.jp",
        postal: "999-9999",
    },
    Locale {
        country: "GB",
        given: &["Oliver", "Amelia", "Harry", "Isla", "George", "Ava", "Noah", "Siobhán"],
        family: &["Smith", "Jones", "Taylor", "O'Brien", "Williams", "Brown", "Davies", "Evans-Hughes"],
        family_first: false,
        joiner: " ",
        cities: &["London", "Manchester", "Leeds", "Edinburgh"],
        streets: &["High Street", "Station Road", "Church Lane", "Victoria Road"],
        legal_forms: &["Ltd", "Limited", "PLC", "LLP"],
        tld: "co.uk",
        postal: "SW1A 1AA",
    },
    Locale {
        country: "MX",
        given: &["José Luis", "María Guadalupe", "Juan", "Verónica", "Jesús", "Adriana", "Ángel", "Sofía"],
        family: &["Hernández", "García", "Martínez", "López", "González", "Pérez", "Rodríguez", "Sánchez"],
        family_first: false,
        joiner: " ",
        cities: &["Ciudad de México", "Guadalajara", "Monterrey", "Puebla"],
        streets: &["Avenida Reforma", "Calle Madero", "Insurgentes Sur", "Calle 5 de Mayo"],
        legal_forms: &["S.A. de C.V.", "S. de R.L. de C.V.", "S.A.P.I. de C.V."],
        tld: "com.mx",
        postal: "99999",
    },
    Locale {
        country: "TR",
        given: &["Mehmet", "Ayşe", "Mustafa", "Fatma", "Çağrı", "Gülşen", "İbrahim", "Özlem"],
        family: &["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Öztürk", "Aydın"],
        family_first: false,
        joiner: " ",
        cities: &["İstanbul", "Ankara", "İzmir", "Bursa"],
        streets: &["İstiklal Caddesi", "Atatürk Bulvarı", "Bağdat Caddesi", "Cumhuriyet Caddesi"],
        legal_forms: &["A.Ş.", "Ltd. Şti."],
        tld: "com.tr",
        postal: "99999",
    },
    Locale {
        country: "GR",
        given: &["Γιώργος", "Μαρία", "Δημήτρης", "Ελένη", "Νίκος", "Αικατερίνη", "Κώστας", "Σοφία"],
        family: &[
            "Παπαδόπουλος",
            "Παππά",
            "Οικονόμου",
            "Γεωργίου",
            "Νικολάου",
            "Βλάχος",
            "Αθανασίου",
            "Μαρκόπουλος",
        ],
        family_first: false,
        joiner: " ",
        cities: &["Αθήνα", "Θεσσαλονίκη", "Πάτρα", "Ηράκλειο"],
        streets: &["Οδός Ερμού", "Λεωφόρος Συγγρού", "Οδός Τσιμισκή", "Λεωφόρος Κηφισίας"],
        legal_forms: &["Α.Ε.", "Ε.Π.Ε.", "Ι.Κ.Ε."],
        tld: "gr",
        postal: "999 99",
    },
    Locale {
        country: "US",
        given: &["James", "Mary", "Robert", "Patricia", "Michael", "Jennifer", "David", "Linda"],
        family: &["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis"],
        family_first: false,
        joiner: " ",
        cities: &["New York", "Austin", "Seattle", "Chicago"],
        streets: &["Main Street", "Oak Avenue", "Elm Street", "5th Avenue"],
        legal_forms: &["LLC", "Inc.", "Corp.", "L.P."],
        tld: "com",
        postal: "99999",
    },
    Locale {
        country: "FR",
        given: &["Gabriel", "Léa", "Raphaël", "Chloé", "Théo", "Inès", "Loïc", "Maëlle"],
        family: &["Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Girard", "Bonnefoy", "Roussel"],
        family_first: false,
        joiner: " ",
        cities: &["Paris", "Lyon", "Marseille", "Besançon"],
        streets: &["rue de Rivoli", "avenue des Champs-Élysées", "boulevard Haussmann", "quai de Saône"],
        legal_forms: &["SARL", "SAS", "S.A.", "SASU"],
        tld: "fr",
        postal: "99999",
    },
    Locale {
        country: "PL",
        given: &["Jakub", "Zofia", "Łukasz", "Małgorzata", "Paweł", "Agnieszka", "Michał", "Żaneta"],
        family: &[
            "Nowak",
            "Kowalski",
            "Wiśniewski",
            "Wójcik",
            "Kamińska",
            "Lewandowski",
            "Zieliński",
            "Dąbrowska",
        ],
        family_first: false,
        joiner: " ",
        cities: &["Warszawa", "Kraków", "Łódź", "Wrocław"],
        streets: &["ul. Marszałkowska", "ul. Floriańska", "ul. Piotrkowska", "al. Jerozolimskie"],
        legal_forms: &["Sp. z o.o.", "S.A.", "sp.k."],
        tld: "pl",
        postal: "99-999",
    },
    Locale {
        country: "IT",
        given: &["Francesco", "Giulia", "Alessandro", "Sofia", "Niccolò", "Aurora", "Lorenzo", "Ginevra"],
        family: &["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "De Luca"],
        family_first: false,
        joiner: " ",
        cities: &["Roma", "Milano", "Napoli", "Forlì"],
        streets: &["Via del Corso", "Via Montenapoleone", "Via Toledo", "Corso Vittorio Emanuele"],
        legal_forms: &["S.r.l.", "S.p.A.", "S.a.s."],
        tld: "it",
        postal: "99999",
    },
    Locale {
        country: "NL",
        given: &["Daan", "Emma", "Sem", "Julia", "Lucas", "Mila", "Bram", "IJsbrand"],
        family: &["de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Visser", "Smit"],
        family_first: false,
        joiner: " ",
        cities: &["Amsterdam", "Rotterdam", "Utrecht", "’s-Hertogenbosch"],
        streets: &["Damrak", "Coolsingel", "Oudegracht", "Keizersgracht"],
        legal_forms: &["B.V.", "N.V.", "V.O.F."],
        tld: "nl",
        postal: "9999 AB",
    },
    Locale {
        country: "RU",
        given: &["Александр", "Анастасия", "Дмитрий", "Мария", "Сергей", "Екатерина", "Михаил", "Ольга"],
        family: &["Иванов", "Смирнова", "Кузнецов", "Попова", "Соколов", "Лебедева", "Козлов", "Новикова"],
        family_first: false,
        joiner: " ",
        cities: &["Москва", "Санкт-Петербург", "Новосибирск", "Екатеринбург"],
        streets: &["Тверская улица", "Невский проспект", "Красный проспект", "улица Ленина"],
        legal_forms: &["ООО", "АО", "ПАО"],
        tld: "ru",
        postal: "999999",
    },
    Locale {
        country: "UA",
        given: &["Олександр", "Анастасія", "Андрій", "Юлія", "Дмитро", "Оксана", "Іван", "Ірина"],
        family: &[
            "Шевченко",
            "Коваленко",
            "Бондаренко",
            "Ткаченко",
            "Кравченко",
            "Олійник",
            "Мельник",
            "Ґудзь",
        ],
        family_first: false,
        joiner: " ",
        cities: &["Київ", "Львів", "Одеса", "Харків"],
        streets: &["вулиця Хрещатик", "проспект Свободи", "Дерибасівська вулиця", "вулиця Сумська"],
        legal_forms: &["ТОВ", "ПрАТ"],
        tld: "ua",
        postal: "99999",
    },
];

/// A small, fast, deterministic generator (xorshift64*).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Each locale's mobile and fixed-line example numbers (read before any timing starts; reading
/// them does not compile the validation patterns the import uses).
pub struct Phones(Vec<Vec<rlibphonenumber::PhoneNumber>>);

impl Phones {
    pub fn new() -> Self {
        Self(
            LOCALES
                .iter()
                .map(|l| {
                    let region = Region::from_code(l.country).expect("region");
                    [PhoneNumberType::Mobile, PhoneNumberType::FixedLine]
                        .into_iter()
                        .filter_map(|t| {
                            PHONE_NUMBER_UTIL.get_example_number_for_type_and_region(region, t).ok()
                        })
                        .collect()
                })
                .collect(),
        )
    }

    /// A number of locale `l`, written one of the ways people write numbers.
    fn write(&self, l: usize, rng: &mut Rng) -> String {
        let examples = &self.0[l];
        let mut number = examples[rng.below(examples.len())].clone();
        number.national_number =
            number.national_number - number.national_number % 1000 + rng.below(1000) as u64;
        let international = number.format_as(PhoneNumberFormat::International).to_string();
        let national = number.format_as(PhoneNumberFormat::National).to_string();
        let written = match rng.below(10) {
            0..=2 => international,
            3 => international.replace(' ', "-"),
            4 => number.format_as(PhoneNumberFormat::E164).to_string(),
            5 | 6 => national,
            7 => match national.split_once(' ') {
                Some((area, rest)) if !area.starts_with('(') => format!("({area}) {rest}"),
                _ => national,
            },
            8 => national.replace([' ', '-'], "."),
            _ => format!("{international} ext. {}", 10 + rng.below(990)),
        };
        // Extensions in another style, now and then.
        if rng.below(40) == 0 && !written.contains("ext.") {
            format!("{written} x{}", 1 + rng.below(99))
        } else {
            written
        }
    }
}

fn postal(shape: &str, rng: &mut Rng) -> String {
    shape.chars().map(|c| if c == '9' { char::from(b'0' + rng.below(10) as u8) } else { c }).collect()
}

fn person(l: &Locale, rng: &mut Rng) -> String {
    let (given, family) = (rng.pick(l.given), rng.pick(l.family));
    if l.family_first {
        format!("{family}{}{given}", l.joiner)
    } else {
        format!("{given}{}{family}", l.joiner)
    }
}

/// Quotes a CSV field when it needs it.
fn field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// The files of one intake: customers, their owners and their accounts' IP logs.
pub struct Intake {
    pub customers: String,
    pub owners: String,
    pub ip_log: String,
    /// Distinct countries among the customers.
    pub countries: usize,
}

pub const CUSTOMER_HEADER: &str = "customer_ref,kind,name,country,address_line1,address_line2,city,region,postal_code,emails,phones,us_person,reseller_ref,account_ref,payment_method,payment_last4,payment_source,risk_tier,opened_on";

/// `rows` customers (references `prefix`-…), a third of them entities with one to three owners,
/// each account with one to four IP log entries.
pub fn intake(rows: usize, prefix: &str, phones: &Phones, seed: u64) -> Intake {
    let mut rng = Rng::new(seed);
    let mut customers = String::with_capacity(rows * 260);
    let mut owners = String::from(
        "customer_ref,name,country,ownership_pct,control,us_person,emails,phones,address_line1,city,postal_code\n",
    );
    let mut ip_log = String::from("account_ref,ip,accessed_at,kind\n");
    customers.push_str(CUSTOMER_HEADER);
    customers.push('\n');
    let mut seen = [false; LOCALES.len()];
    for i in 0..rows {
        let li = rng.below(LOCALES.len());
        seen[li] = true;
        let l = &LOCALES[li];
        let entity = rng.below(3) == 0;
        let name = if entity {
            let family = rng.pick(l.family);
            let form = rng.pick(l.legal_forms);
            if l.family_first {
                format!("{form}{family}{}", rng.pick(l.cities))
            } else {
                format!("{family} {} {form}", rng.pick(l.streets).split(' ').next_back().unwrap_or(""))
            }
        } else {
            person(l, &mut rng)
        };
        let phone_count = 1 + usize::from(rng.below(4) == 0);
        let phone_list: Vec<String> = (0..phone_count).map(|_| phones.write(li, &mut rng)).collect();
        let email = format!(
            "{}{}@{}.example.{}",
            if entity { "it" } else { "u" },
            i,
            prefix.to_ascii_lowercase(),
            l.tld
        );
        let tier = ["low", "medium", "high"][rng.below(3)];
        let method = ["card", "wire", "card", "invoice"][rng.below(4)];
        let opened = format!("20{}-{:02}-{:02}", 24 + rng.below(3), 1 + rng.below(12), 1 + rng.below(28));
        let line2 = if rng.below(5) == 0 { format!("{}F", 1 + rng.below(30)) } else { String::new() };
        customers.push_str(&format!(
            "{prefix}-{i:07},{},{},{},{},{},{},,{},{},{},no,,{prefix}A-{i:07},{method},{:04},{},{tier},{opened}\n",
            if entity { "entity" } else { "individual" },
            field(&name),
            l.country,
            field(&format!("{} {}", rng.pick(l.streets), 1 + rng.below(300))),
            field(&line2),
            field(rng.pick(l.cities)),
            postal(l.postal, &mut rng),
            email,
            field(&phone_list.join(";")),
            rng.below(10_000),
            field(["Visa", "Mastercard", "SEPA", "SWIFT", "Alipay"][rng.below(5)]),
        ));
        if entity {
            for k in 0..1 + rng.below(3) {
                let oi = if rng.below(5) == 0 { rng.below(LOCALES.len()) } else { li };
                let o = &LOCALES[oi];
                owners.push_str(&format!(
                    "{prefix}-{i:07},{},{},{},{},no,owner{k}.{i}@{}.example.{},{},{},{},{}\n",
                    field(&person(o, &mut rng)),
                    o.country,
                    25 + rng.below(50),
                    if k == 0 { "yes" } else { "no" },
                    prefix.to_ascii_lowercase(),
                    o.tld,
                    field(&phones.write(oi, &mut rng)),
                    field(&format!("{} {}", rng.pick(o.streets), 1 + rng.below(300))),
                    field(rng.pick(o.cities)),
                    postal(o.postal, &mut rng),
                ));
            }
        }
        for _ in 0..1 + rng.below(4) {
            let ip = if rng.below(4) == 0 {
                format!(
                    "2a0{}:{:x}:{:x}::{:x}",
                    1 + rng.below(9),
                    rng.below(65_536),
                    rng.below(65_536),
                    rng.below(65_536)
                )
            } else {
                format!("{}.{}.{}.{}", 1 + rng.below(223), rng.below(256), rng.below(256), 1 + rng.below(254))
            };
            ip_log.push_str(&format!(
                "{prefix}A-{i:07},{ip},2026-{:02}-{:02}T{:02}:{:02}:00Z,{}\n",
                1 + rng.below(11),
                1 + rng.below(28),
                rng.below(24),
                rng.below(60),
                if rng.below(5) == 0 { "admin" } else { "access" }
            ));
        }
    }
    Intake { customers, owners, ip_log, countries: seen.iter().filter(|s| **s).count() }
}
