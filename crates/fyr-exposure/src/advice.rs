//! Plain-language advice per report type, in Swedish and English.
//!
//! Each exposure notification tells the organisation what was seen, why it
//! matters and what to do. The texts here are written for a reader without a
//! security team (a municipality's two-person IT unit, a small company): short
//! sentences, every acronym explained the first time, concrete steps in
//! priority order, and "ask your IT supplier" where that is the realistic
//! path. They are our own words, written from what each exposure means.
//!
//! [`advice`] never fails: a report type without its own text gets a generic
//! text ([`generic`]) that still says what to check and whom to ask.
//!
//! # How a report type finds its text
//! [`advice_key`] applies these rules in order to the trimmed, lower-cased
//! type; the first that names a text wins:
//! 1. **Exact**: the type is one of [`advised_types`].
//! 2. **Alias**: `dns_openresolver`, the open-resolver report's name in older
//!    file names, reads as `scan_dns`.
//! 3. **IPv6 twin**: `scan6_X` reads as `scan_X`, `event6_X` as `event4_X`,
//!    `population6_X` as `population_X`, and a trailing `6` is dropped
//!    (`device_id6`, `compromised_website6`, `compromised_iot6`); rules 1
//!    and 4 then apply to the IPv4 name.
//! 4. **Family**, for types not listed (new ones Shadowserver may add):
//!    - `event4_honeypot_*_scan` → the honeypot-scanner text;
//!    - `event4_*sinkhole_http_referer*` → the referer text,
//!      `event4_*sinkhole_http*` → the sinkhole-HTTP text,
//!      `event4_*sinkhole_dns*` → the sinkhole-DNS text,
//!      other `event4_*sinkhole*` → the sinkhole text;
//!    - `scan_*_vulnerable` → a text about a service with a known
//!      vulnerability (its key is `scan_*_vulnerable`).
//! 5. Otherwise **generic**: [`advice_key`] is `None`.
//!
//! # The most common report types
//! Our judgement of what a national CERT's constituents receive most often
//! (not a measured ranking); each has its own text, and a test reads this
//! list from this comment and checks it against [`COMMON_TYPES`]:
//!
//! `scan_rdp`, `scan_smb`, `scan_telnet`, `scan_vnc`, `scan_ssh`, `scan_ftp`,
//! `scan_snmp`, `scan_ntp`, `scan_ntpmonitor`, `scan_dns`, `scan_ssdp`,
//! `scan_memcached`, `scan_elasticsearch`, `scan_mongodb`, `scan_redis`,
//! `scan_mysql`, `scan_postgres`, `scan_mssql`, `scan_docker`,
//! `scan_kubernetes`, `scan_ics`, `scan_isakmp`, `scan_ssl`,
//! `scan_ssl_freak`, `scan_ssl_poodle`, `scan_http_vulnerable`,
//! `scan_exchange`, `scan_http`, `scan_smtp`, `device_id`, `blocklist`,
//! `compromised_website`, `event4_sinkhole`, `event4_sinkhole_http`,
//! `event4_honeypot_brute_force`, `event4_ddos_participant`,
//! `compromised_account`.
//!
//! # Invariants
//! - Every advised type is a key of Shadowserver's `reports.json` (a test
//!   checks it against the file named by `FYR_SHADOWSERVER_SCHEMA`).
//! - Both languages have a title, a what, a why and 3–6 actions for every
//!   text; the reference link, when there is one, is the same in both.
//! - Lookup never panics and never allocates more than one lower-cased copy
//!   of the type.

use std::fmt;
use std::str::FromStr;

/// The language of a notification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Language {
    /// Swedish.
    Sv,
    /// English.
    En,
}

impl Language {
    /// Both languages.
    pub const ALL: [Language; 2] = [Language::Sv, Language::En];

    /// The ISO 639-1 code: `"sv"` or `"en"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Language::Sv => "sv",
            Language::En => "en",
        }
    }

    /// Parses `"sv"` or `"en"`, ignoring ASCII case and surrounding white
    /// space; a region tag is allowed (`"sv-SE"`, `"en_GB"`). Anything else
    /// is `None`.
    pub fn parse(s: &str) -> Option<Language> {
        let s = s.trim();
        let primary = s.split(['-', '_']).next().unwrap_or(s);
        Language::ALL.into_iter().find(|lang| lang.as_str().eq_ignore_ascii_case(primary))
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `s` is neither `sv` nor `en`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language {0:?} (expected sv or en)")]
pub struct UnknownLanguage(pub String);

impl FromStr for Language {
    type Err = UnknownLanguage;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Language::parse(s).ok_or_else(|| UnknownLanguage(s.to_owned()))
    }
}

/// What to tell an organisation about one kind of exposure, in one language.
#[derive(Debug, PartialEq, Eq)]
pub struct Advice {
    /// A short headline, e.g. "Öppen RDP-tjänst nåbar från internet".
    pub title: &'static str,
    /// What was seen, in 1–3 sentences for a non-specialist.
    pub what: &'static str,
    /// Why it matters: the risk.
    pub why: &'static str,
    /// 3–6 concrete steps, in priority order.
    pub actions: &'static [&'static str],
    /// A page with technical detail on the report type (in English).
    pub reference: Option<&'static str>,
}

/// The types (`types`) that share one text, in both languages.
struct Entry {
    /// The name the text is known by: the first of `types`, or a family
    /// pattern for a family text.
    key: &'static str,
    /// The report types with exactly this text; empty for a family text.
    types: &'static [&'static str],
    sv: Advice,
    en: Advice,
}

impl Entry {
    fn get(&'static self, lang: Language) -> &'static Advice {
        match lang {
            Language::Sv => &self.sv,
            Language::En => &self.en,
        }
    }
}

/// The report types a national CERT's constituents receive most often, in
/// the order of the module documentation. Each has its own text.
pub const COMMON_TYPES: [&str; 37] = [
    "scan_rdp",
    "scan_smb",
    "scan_telnet",
    "scan_vnc",
    "scan_ssh",
    "scan_ftp",
    "scan_snmp",
    "scan_ntp",
    "scan_ntpmonitor",
    "scan_dns",
    "scan_ssdp",
    "scan_memcached",
    "scan_elasticsearch",
    "scan_mongodb",
    "scan_redis",
    "scan_mysql",
    "scan_postgres",
    "scan_mssql",
    "scan_docker",
    "scan_kubernetes",
    "scan_ics",
    "scan_isakmp",
    "scan_ssl",
    "scan_ssl_freak",
    "scan_ssl_poodle",
    "scan_http_vulnerable",
    "scan_exchange",
    "scan_http",
    "scan_smtp",
    "device_id",
    "blocklist",
    "compromised_website",
    "event4_sinkhole",
    "event4_sinkhole_http",
    "event4_honeypot_brute_force",
    "event4_ddos_participant",
    "compromised_account",
];

/// The advice for `report_type` in `lang`: its own text when there is one
/// (see the module documentation for how a type finds it), otherwise the
/// generic text.
pub fn advice(report_type: &str, lang: Language) -> &'static Advice {
    match resolve(report_type) {
        Some(entry) => entry.get(lang),
        None => generic(lang),
    }
}

/// The key of the text that [`advice`] gives `report_type`: an advised type
/// (`scan_rdp` for `scan6_rdp`), a family pattern (`scan_*_vulnerable`), or
/// `None` when the generic text applies.
pub fn advice_key(report_type: &str) -> Option<&'static str> {
    resolve(report_type).map(|entry| entry.key)
}

/// The generic text, for report types without their own.
pub fn generic(lang: Language) -> &'static Advice {
    GENERIC.get(lang)
}

/// Every report type with its own text (each a key of `reports.json`). IPv6
/// twins and family members are not listed; they are found by the rules in
/// the module documentation.
pub fn advised_types() -> impl Iterator<Item = &'static str> {
    ENTRIES.iter().flat_map(|entry| entry.types.iter().copied())
}

fn resolve(report_type: &str) -> Option<&'static Entry> {
    let lower = report_type.trim().to_ascii_lowercase();
    let name = if lower == "dns_openresolver" { "scan_dns" } else { lower.as_str() };
    if let Some(entry) = exact(name) {
        return Some(entry);
    }
    let twin = ipv4_twin(name);
    let name = twin.as_deref().unwrap_or(name);
    exact(name).or_else(|| family(name))
}

fn exact(name: &str) -> Option<&'static Entry> {
    ENTRIES.iter().find(|entry| entry.types.contains(&name))
}

/// The IPv4 name of an IPv6 report type, if `name` looks like one.
fn ipv4_twin(name: &str) -> Option<String> {
    const PAIRS: [(&str, &str); 3] = [("scan6_", "scan_"), ("event6_", "event4_"), ("population6_", "population_")];
    for (v6, v4) in PAIRS {
        if let Some(rest) = name.strip_prefix(v6) {
            return Some(format!("{v4}{rest}"));
        }
    }
    name.strip_suffix('6').filter(|stem| exact(stem).is_some()).map(str::to_owned)
}

fn family(name: &str) -> Option<&'static Entry> {
    let key = if let Some(rest) = name.strip_prefix("event4_") {
        if rest.starts_with("honeypot_") && rest.ends_with("_scan") {
            "event4_honeypot_http_scan"
        } else if rest.contains("sinkhole_http_referer") {
            "event4_sinkhole_http_referer"
        } else if rest.contains("sinkhole_http") {
            "event4_sinkhole_http"
        } else if rest.contains("sinkhole_dns") {
            "event4_sinkhole_dns"
        } else if rest.contains("sinkhole") {
            "event4_sinkhole"
        } else {
            return None;
        }
    } else if name.starts_with("scan_") && name.ends_with("_vulnerable") {
        return Some(&VULNERABLE_SERVICE);
    } else {
        return None;
    };
    exact(key)
}

/// The documentation page of a report type at Shadowserver.
macro_rules! doc {
    ($page:literal) => {
        Some(concat!("https://www.shadowserver.org/what-we-do/network-reporting/", $page))
    };
}

static GENERIC: Entry = Entry {
    key: "generic",
    types: &[],
    sv: Advice {
        title: "Säkerhetsproblem på en av era adresser",
        what: "Vi har fått uppgifter om att en av era adresser har en tjänst eller enhet som är nåbar från internet på ett sätt som kan vara riskabelt, eller att en enhet bakom adressen har betett sig som om den vore infekterad. Rapportens namn och bilagan (CSV-filen) visar exakt vad som sågs.",
        why: "Tjänster som inte behöver vara nåbara från internet är onödiga mål för angripare. Infekterade enheter kan användas för att stjäla data eller angripa andra.",
        actions: &[
            "Ta reda på vilken enhet eller tjänst som använde adressen vid den tid som anges.",
            "Kontrollera om tjänsten verkligen ska vara nåbar från internet. Om inte: stäng den, eller begränsa den i brandväggen till de adresser som behöver den.",
            "Installera säkerhetsuppdateringar och byt standardlösenord.",
            "Fråga er IT-leverantör om hjälp om det är deras utrustning.",
            "Kontakta CERT-SE om ni behöver hjälp att förstå meddelandet eller hittar tecken på intrång.",
        ],
        reference: None,
    },
    en: Advice {
        title: "Security issue on one of your addresses",
        what: "We have received data showing that one of your addresses has a service or device reachable from the internet in a way that may be risky, or that a device behind the address has behaved as if it were infected. The report name and the attachment (the CSV file) show exactly what was seen.",
        why: "Services that do not need to be reachable from the internet are needless targets for attackers. Infected devices can be used to steal data or to attack others.",
        actions: &[
            "Find out which device or service used the address at the time given.",
            "Check whether the service really should be reachable from the internet. If not, turn it off, or restrict it in the firewall to the addresses that need it.",
            "Install security updates and change default passwords.",
            "Ask your IT supplier for help if it is their equipment.",
            "Contact CERT-SE if you need help understanding this notice or find signs of a break-in.",
        ],
        reference: None,
    },
};

static VULNERABLE_SERVICE: Entry = Entry {
    key: "scan_*_vulnerable",
    types: &[],
    sv: Advice {
        title: "Tjänst med känd sårbarhet",
        what: "En tjänst hos er som är nåbar från internet kör en version av programvara med en känd säkerhetslucka. Bilagan (CSV-filen) anger ofta vilken sårbarhet det gäller.",
        why: "Kända sårbarheter i tjänster som nås från internet utnyttjas ofta, ibland automatiskt och i stor skala. En angripare kan ta över tjänsten eller komma åt data.",
        actions: &[
            "Installera tillverkarens säkerhetsuppdatering.",
            "Om ni inte kan uppdatera direkt: stäng åtkomsten från internet tills det är gjort.",
            "Kontrollera om tjänsten redan har angripits, till exempel genom okända konton, filer eller inloggningar.",
            "Fråga er IT-leverantör om hjälp om det är deras utrustning.",
        ],
        reference: None,
    },
    en: Advice {
        title: "Service with a known vulnerability",
        what: "A service of yours that is reachable from the internet runs a software version with a known security flaw. The attachment (the CSV file) often names the vulnerability.",
        why: "Known vulnerabilities in internet-facing services are often exploited, sometimes automatically and on a large scale. An attacker may take over the service or reach its data.",
        actions: &[
            "Install the vendor's security update.",
            "If you cannot update at once, block access from the internet until you have.",
            "Check whether the service has already been attacked, for example unknown accounts, files or logins.",
            "Ask your IT supplier for help if it is their equipment.",
        ],
        reference: None,
    },
};

static ENTRIES: &[Entry] = &[
    Entry {
        key: "scan_rdp",
        types: &["scan_rdp", "scan_rdpeudp"],
        sv: Advice {
            title: "Öppen RDP-tjänst nåbar från internet",
            what: "En dator eller server hos er svarar på RDP (Remote Desktop Protocol), Microsofts tjänst för att styra en dator på distans. Vem som helst på internet kan nå dess inloggningsruta.",
            why: "Angripare letar hela tiden efter öppna RDP-tjänster och provar stulna eller vanliga lösenord. Det är ett av de vanligaste sätten att ta sig in i ett nät före en attack med utpressningsprogram. Äldre versioner har dessutom allvarliga säkerhetsluckor.",
            actions: &[
                "Ta reda på vilken dator det är och om den verkligen ska kunna nås från internet. Fråga er IT-leverantör om ni inte vet.",
                "Stäng porten mot internet i brandväggen (oftast TCP och UDP 3389).",
                "Låt den som arbetar på distans ansluta via VPN (en krypterad tunnel in till ert nät) eller en tjänst för fjärråtkomst med tvåfaktorsinloggning.",
                "Om tjänsten måste finnas kvar: installera Windows säkerhetsuppdateringar och slå på nätverksautentisering (NLA).",
                "Gå igenom inloggningsloggen efter misslyckade och ovanliga inloggningar. Kontakta CERT-SE om ni ser tecken på intrång.",
            ],
            reference: doc!("accessible-rdp-report/"),
        },
        en: Advice {
            title: "Remote Desktop (RDP) reachable from the internet",
            what: "A computer or server of yours answers on RDP (Remote Desktop Protocol), Microsoft's service for controlling a computer remotely. Anyone on the internet can reach its login screen.",
            why: "Attackers constantly look for open RDP services and try stolen or common passwords. It is one of the most common ways into a network before a ransomware attack, and older versions have serious security flaws.",
            actions: &[
                "Find out which computer it is and whether it really needs to be reachable from the internet. Ask your IT supplier if you do not know.",
                "Close the port to the internet in your firewall (usually TCP and UDP 3389).",
                "Let people who work remotely connect through a VPN (an encrypted tunnel into your network) or a remote-access service with two-factor login.",
                "If the service must stay, install Windows security updates and turn on Network Level Authentication (NLA).",
                "Check the login logs for failed and unusual logins. Contact CERT-SE if you see signs of a break-in.",
            ],
            reference: doc!("accessible-rdp-report/"),
        },
    },
    Entry {
        key: "scan_smb",
        types: &["scan_smb"],
        sv: Advice {
            title: "Fildelning (SMB) nåbar från internet",
            what: "En dator eller server hos er svarar på SMB, det protokoll som Windows använder för delade mappar och skrivare. Sådan fildelning är gjord för det interna nätet, inte för internet.",
            why: "Öppen SMB har använts av flera av de mest skadliga maskarna och utpressningsprogrammen, till exempel WannaCry. Angripare kan också gissa lösenord eller läsa filer som har delats av misstag.",
            actions: &[
                "Blockera SMB mot internet i brandväggen (TCP 445 och 139).",
                "Ta reda på varför datorn är nåbar. Ofta är det en felaktig brandväggsregel eller en dator som är direkt ansluten till internet. Fråga er IT-leverantör om ni inte vet.",
                "Stäng av den gamla versionen SMBv1 och installera säkerhetsuppdateringar.",
                "Använd VPN (en krypterad tunnel in till ert nät) om filerna behöver nås utifrån.",
            ],
            reference: doc!("accessible-smb-report/"),
        },
        en: Advice {
            title: "File sharing (SMB) reachable from the internet",
            what: "A computer or server of yours answers on SMB, the protocol Windows uses for shared folders and printers. This kind of file sharing is meant for the internal network, not for the internet.",
            why: "Open SMB has been used by some of the most damaging worms and ransomware, such as WannaCry. Attackers can also guess passwords or read files that were shared by mistake.",
            actions: &[
                "Block SMB to the internet in your firewall (TCP 445 and 139).",
                "Find out why the computer is reachable. Often it is a wrong firewall rule or a computer connected straight to the internet. Ask your IT supplier if you do not know.",
                "Turn off the old version SMBv1 and install security updates.",
                "Use a VPN (an encrypted tunnel into your network) if the files must be reached from outside.",
            ],
            reference: doc!("accessible-smb-report/"),
        },
    },
    Entry {
        key: "scan_telnet",
        types: &["scan_telnet"],
        sv: Advice {
            title: "Telnet nåbart från internet",
            what: "En enhet hos er svarar på Telnet, ett gammalt protokoll för att logga in och styra utrustning med textkommandon. Ofta är det en router, en kamera eller annan nätverksutrustning.",
            why: "Telnet skickar lösenord okrypterat, och många enheter har kvar tillverkarens standardlösenord. Botnät, till exempel Mirai, tar över sådana enheter automatiskt och använder dem för att angripa andra.",
            actions: &[
                "Stäng av Telnet på enheten, eller blockera porten mot internet (oftast TCP 23 och 2323).",
                "Om enheten måste styras på distans: använd SSH (en krypterad tjänst för fjärrinloggning) i stället, och bara från ert eget nät eller via VPN (en krypterad tunnel in till ert nät).",
                "Byt standardlösenord mot långa, unika lösenord.",
                "Uppdatera enhetens programvara (firmware). Byt ut enheter som inte längre får uppdateringar.",
                "Om enheten tillhör er internetleverantör: be dem stänga tjänsten.",
            ],
            reference: doc!("accessible-telnet-report/"),
        },
        en: Advice {
            title: "Telnet reachable from the internet",
            what: "A device of yours answers on Telnet, an old protocol for logging in to equipment and controlling it with text commands. It is often a router, a camera or other network equipment.",
            why: "Telnet sends passwords unencrypted, and many devices still have the maker's default password. Botnets such as Mirai take over such devices automatically and use them to attack others.",
            actions: &[
                "Turn off Telnet on the device, or block the port to the internet (usually TCP 23 and 2323).",
                "If the device must be managed remotely, use SSH (an encrypted remote-login service) instead, and only from your own network or through a VPN (an encrypted tunnel into your network).",
                "Replace default passwords with long, unique ones.",
                "Update the device's software (firmware). Replace devices that no longer get updates.",
                "If the device belongs to your internet provider, ask them to turn the service off.",
            ],
            reference: doc!("accessible-telnet-report/"),
        },
    },
    Entry {
        key: "scan_vnc",
        types: &["scan_vnc"],
        sv: Advice {
            title: "Skärmdelning (VNC) nåbar från internet",
            what: "En dator eller enhet hos er svarar på VNC, ett program för att se och styra en skärm på distans. VNC finns ofta i styrsystem, kassasystem och på enskilda datorer.",
            why: "Många VNC-installationer har svaga lösenord eller inget lösenord alls. Den som kommer in ser allt på skärmen och kan styra datorn som om hen satt framför den.",
            actions: &[
                "Blockera VNC mot internet i brandväggen (oftast TCP 5900–5910).",
                "Låt fjärrstyrning gå via VPN (en krypterad tunnel in till ert nät) eller en tjänst för fjärråtkomst med tvåfaktorsinloggning.",
                "Se till att VNC kräver ett starkt lösenord, och uppdatera programmet.",
                "Kontrollera om någon obehörig har varit inloggad. Kontakta CERT-SE om ni ser tecken på intrång.",
            ],
            reference: doc!("accessible-vnc-report/"),
        },
        en: Advice {
            title: "Screen sharing (VNC) reachable from the internet",
            what: "A computer or device of yours answers on VNC, a program for viewing and controlling a screen remotely. VNC is common in control systems, point-of-sale systems and on single computers.",
            why: "Many VNC installations have weak passwords or none at all. Whoever gets in sees everything on the screen and can control the computer as if sitting in front of it.",
            actions: &[
                "Block VNC to the internet in your firewall (usually TCP 5900–5910).",
                "Route remote control through a VPN (an encrypted tunnel into your network) or a remote-access service with two-factor login.",
                "Make sure VNC requires a strong password, and update the program.",
                "Check whether anyone unauthorised has logged in. Contact CERT-SE if you see signs of a break-in.",
            ],
            reference: doc!("accessible-vnc-report/"),
        },
    },
    Entry {
        key: "scan_ssh",
        types: &["scan_ssh"],
        sv: Advice {
            title: "SSH-tjänst nåbar från internet",
            what: "En server eller nätverksenhet hos er svarar på SSH, en krypterad tjänst för att logga in och styra den på distans. Det är ofta avsiktligt, men varje SSH-tjänst mot internet bör vara ett medvetet val.",
            why: "SSH är säkert när det är rätt inställt, men angripare försöker dygnet runt gissa lösenord. Gamla versioner kan ha kända säkerhetsluckor.",
            actions: &[
                "Kontrollera att tjänsten ska kunna nås från hela internet. Om inte: begränsa den i brandväggen till de adresser som behöver den.",
                "Tillåt bara inloggning med nycklar, inte med lösenord, och stäng av direkt inloggning som root (administratör).",
                "Uppdatera SSH-programvaran till en aktuell version.",
                "Be er drift- eller IT-leverantör om hjälp om det är deras utrustning.",
            ],
            reference: doc!("accessible-ssh-report/"),
        },
        en: Advice {
            title: "SSH service reachable from the internet",
            what: "A server or network device of yours answers on SSH, an encrypted service for logging in and managing it remotely. This is often intended, but every SSH service facing the internet should be a deliberate choice.",
            why: "SSH is safe when set up well, but attackers try to guess passwords around the clock. Old versions may have known security flaws.",
            actions: &[
                "Check that the service needs to be reachable from the whole internet. If not, restrict it in the firewall to the addresses that need it.",
                "Allow login with keys only, not with passwords, and turn off direct login as root (administrator).",
                "Update the SSH software to a current version.",
                "Ask your operations or IT supplier for help if it is their equipment.",
            ],
            reference: doc!("accessible-ssh-report/"),
        },
    },
    Entry {
        key: "scan_ftp",
        types: &["scan_ftp"],
        sv: Advice {
            title: "FTP-server nåbar från internet",
            what: "En server hos er svarar på FTP, ett äldre sätt att överföra filer. FTP finns ofta på webbhotell, skrivare och lagringsenheter (NAS).",
            why: "Vanlig FTP skickar användarnamn, lösenord och filer okrypterat. Om servern tillåter anonym inloggning kan vem som helst läsa filer, och ibland lägga upp egna.",
            actions: &[
                "Ta reda på om FTP behövs. Stäng av tjänsten om den inte används.",
                "Byt till krypterad filöverföring, till exempel SFTP eller FTPS.",
                "Stäng av anonym inloggning och kontrollera vilka filer som går att nå.",
                "Uppdatera FTP-programmet eller enhetens programvara. Fråga webbhotellet eller IT-leverantören om det är deras server.",
            ],
            reference: doc!("accessible-ftp-report/"),
        },
        en: Advice {
            title: "FTP server reachable from the internet",
            what: "A server of yours answers on FTP, an older way of transferring files. FTP is common on web hosting, printers and storage devices (NAS).",
            why: "Plain FTP sends user names, passwords and files unencrypted. If the server allows anonymous login, anyone can read files, and sometimes upload their own.",
            actions: &[
                "Find out whether FTP is needed. Turn the service off if it is not used.",
                "Switch to encrypted file transfer, such as SFTP or FTPS.",
                "Turn off anonymous login and check which files can be reached.",
                "Update the FTP program or the device's software. Ask your hosting provider or IT supplier if it is their server.",
            ],
            reference: doc!("accessible-ftp-report/"),
        },
    },
    Entry {
        key: "scan_snmp",
        types: &["scan_snmp"],
        sv: Advice {
            title: "Nätverksövervakning (SNMP) öppen mot internet",
            what: "En enhet hos er, ofta en router, switch eller skrivare, svarar på SNMP från internet. SNMP används för att övervaka nätverksutrustning och ibland för att ändra dess inställningar.",
            why: "Med standardlösenordet ”public” kan vem som helst läsa ut detaljerad information om enheten och ert nät. Med skrivrätt kan en angripare ändra inställningar. Öppen SNMP används också för att förstärka överbelastningsattacker (DDoS) mot andra.",
            actions: &[
                "Blockera SNMP mot internet i brandväggen (UDP 161).",
                "Om SNMP behövs: tillåt bara ert övervakningssystem och använd SNMPv3, som har inloggning och kryptering.",
                "Byt standardvärdena ”public” och ”private” mot något som inte går att gissa.",
                "Fråga er internet- eller IT-leverantör om det är deras utrustning.",
            ],
            reference: doc!("open-snmp-report/"),
        },
        en: Advice {
            title: "Network monitoring (SNMP) open to the internet",
            what: "A device of yours, often a router, switch or printer, answers SNMP queries from the internet. SNMP is used to monitor network equipment and sometimes to change its settings.",
            why: "With the default password (community string) \"public\", anyone can read detailed information about the device and your network. With write access an attacker can change settings. Open SNMP is also used to amplify denial-of-service (DDoS) attacks on others.",
            actions: &[
                "Block SNMP to the internet in your firewall (UDP 161).",
                "If SNMP is needed, allow only your monitoring system and use SNMPv3, which has login and encryption.",
                "Replace the default values \"public\" and \"private\" with something that cannot be guessed.",
                "Ask your internet provider or IT supplier if it is their equipment.",
            ],
            reference: doc!("open-snmp-report/"),
        },
    },
    Entry {
        key: "scan_ntp",
        types: &["scan_ntp"],
        sv: Advice {
            title: "Tidsserver (NTP) svarar på administrativa frågor från internet",
            what: "En enhet hos er kör en tidsserver (NTP) som svarar på administrativa frågor från vem som helst på internet. Svaret visar bland annat vilken version som körs.",
            why: "Svaret är mycket större än frågan. Angripare utnyttjar det för att förstärka överbelastningsattacker (DDoS) mot andra, med förfalskad avsändaradress. Gamla versioner kan också ha säkerhetsluckor.",
            actions: &[
                "Uppdatera NTP-programvaran eller enhetens programvara.",
                "Stäng av svar på administrativa frågor (i programmet ntpd: lägg till ”noquery” på restrict-raderna).",
                "Om enheten bara behöver hämta tid, inte dela ut den: blockera inkommande NTP från internet (UDP 123).",
                "Fråga er IT-leverantör om det är deras utrustning.",
            ],
            reference: doc!("ntp-version-report/"),
        },
        en: Advice {
            title: "Time server (NTP) answers management queries from the internet",
            what: "A device of yours runs a time server (NTP) that answers management queries from anyone on the internet. The answer shows, among other things, which version runs.",
            why: "The answer is much larger than the question. Attackers use this to amplify denial-of-service (DDoS) attacks on others, with a forged sender address. Old versions may also have security flaws.",
            actions: &[
                "Update the NTP software or the device's software.",
                "Stop answering management queries (in the ntpd program, add \"noquery\" to the restrict lines).",
                "If the device only needs to fetch the time, not serve it, block incoming NTP from the internet (UDP 123).",
                "Ask your IT supplier if it is their equipment.",
            ],
            reference: doc!("ntp-version-report/"),
        },
    },
    Entry {
        key: "scan_ntpmonitor",
        types: &["scan_ntpmonitor"],
        sv: Advice {
            title: "Tidsserver (NTP) kan missbrukas för överbelastningsattacker",
            what: "En tidsserver (NTP) hos er svarar på kommandot ”monlist”, som ger en lista över de senaste klienterna. Kommandot är gammalt och behövs nästan aldrig.",
            why: "En liten fråga ger ett svar som kan vara hundratals gånger större. Angripare förfalskar avsändaradressen och får er server att skicka stora mängder trafik mot ett offer, en så kallad förstärkt överbelastningsattack (DDoS). Er egen internetförbindelse kan också bli överbelastad.",
            actions: &[
                "Uppdatera NTP-programvaran; i nya versioner är monlist avstängt.",
                "Stäng av kommandot (i programmet ntpd: ”disable monitor”, eller ”noquery” på restrict-raderna).",
                "Blockera inkommande NTP från internet (UDP 123) om servern inte ska dela ut tid till andra.",
                "Fråga er IT-leverantör om det är deras utrustning.",
            ],
            reference: doc!("ntp-monitor-report/"),
        },
        en: Advice {
            title: "Time server (NTP) can be misused for denial-of-service attacks",
            what: "A time server (NTP) of yours answers the \"monlist\" command, which returns a list of its latest clients. The command is old and is almost never needed.",
            why: "A small question gives an answer that can be hundreds of times larger. Attackers forge the sender address and make your server send large amounts of traffic at a victim, a so-called amplified denial-of-service (DDoS) attack. Your own internet connection may also be flooded.",
            actions: &[
                "Update the NTP software; new versions have monlist turned off.",
                "Turn the command off (in the ntpd program, \"disable monitor\", or \"noquery\" on the restrict lines).",
                "Block incoming NTP from the internet (UDP 123) if the server should not serve time to others.",
                "Ask your IT supplier if it is their equipment.",
            ],
            reference: doc!("ntp-monitor-report/"),
        },
    },
    Entry {
        key: "scan_dns",
        types: &["scan_dns"],
        sv: Advice {
            title: "Öppen DNS-server slår upp namn åt vem som helst",
            what: "En DNS-server hos er slår upp namn åt vem som helst på internet, inte bara åt era egna användare (en så kallad öppen resolver). DNS är tjänsten som översätter namn som example.se till adresser.",
            why: "Öppna DNS-servrar används för att förstärka överbelastningsattacker (DDoS) mot andra. De kan också luras att spara falska svar, så att era egna användare skickas till fel webbplatser.",
            actions: &[
                "Ta reda på vilken enhet det är. Ofta är det en router eller brandvägg med DNS påslaget mot internet, eller en egen namnserver.",
                "Ställ in servern så att den bara slår upp namn åt adresser i era egna nät.",
                "Om servern bara ska svara för era egna domäner: stäng av uppslag åt andra (rekursion) helt.",
                "Fråga er internet- eller IT-leverantör om det är deras utrustning.",
            ],
            reference: doc!("dns-open-resolvers-report/"),
        },
        en: Advice {
            title: "Open DNS server resolves names for anyone",
            what: "A DNS server of yours looks up names for anyone on the internet, not only for your own users (a so-called open resolver). DNS is the service that translates names such as example.com into addresses.",
            why: "Open DNS servers are used to amplify denial-of-service (DDoS) attacks on others. They can also be tricked into storing false answers, sending your own users to the wrong websites.",
            actions: &[
                "Find out which device it is. Often it is a router or firewall with DNS turned on towards the internet, or your own name server.",
                "Configure the server to look up names only for addresses in your own networks.",
                "If the server should only answer for your own domains, turn off lookups for others (recursion) entirely.",
                "Ask your internet provider or IT supplier if it is their equipment.",
            ],
            reference: doc!("dns-open-resolvers-report/"),
        },
    },
    Entry {
        key: "scan_ssdp",
        types: &["scan_ssdp"],
        sv: Advice {
            title: "Enhet svarar på SSDP (UPnP) från internet",
            what: "En enhet hos er, ofta en router, skrivare, tv eller kamera, svarar på SSDP från internet. SSDP är en del av UPnP, som låter enheter hitta varandra automatiskt i ett lokalt nät.",
            why: "SSDP ska bara fungera i det lokala nätet. Från internet kan tjänsten missbrukas för att förstärka överbelastningsattacker (DDoS), och den avslöjar information om enheten.",
            actions: &[
                "Stäng av UPnP på internetsidan av routern eller brandväggen.",
                "Blockera SSDP mot internet i brandväggen (UDP 1900).",
                "Uppdatera enhetens programvara.",
                "Fråga er internetleverantör om det är deras router.",
            ],
            reference: doc!("open-ssdp-report/"),
        },
        en: Advice {
            title: "Device answers SSDP (UPnP) from the internet",
            what: "A device of yours, often a router, printer, TV or camera, answers SSDP from the internet. SSDP is part of UPnP, which lets devices find each other automatically on a local network.",
            why: "SSDP should only work on the local network. From the internet it can be misused to amplify denial-of-service (DDoS) attacks, and it reveals information about the device.",
            actions: &[
                "Turn off UPnP on the internet side of the router or firewall.",
                "Block SSDP to the internet in your firewall (UDP 1900).",
                "Update the device's software.",
                "Ask your internet provider if it is their router.",
            ],
            reference: doc!("open-ssdp-report/"),
        },
    },
    Entry {
        key: "scan_memcached",
        types: &["scan_memcached"],
        sv: Advice {
            title: "Mellanlager (Memcached) öppet mot internet",
            what: "En server hos er kör Memcached, ett snabbt mellanlager (cache) för webbapplikationer, som svarar från internet. Memcached har som standard ingen inloggning.",
            why: "Vem som helst kan läsa och ändra det som ligger i mellanlagret, ibland inloggningsuppgifter eller personuppgifter. Via UDP kan tjänsten dessutom ge några av de största förstärkta överbelastningsattackerna (DDoS) som har uppmätts.",
            actions: &[
                "Låt Memcached bara lyssna på en intern adress (till exempel 127.0.0.1).",
                "Stäng av UDP i Memcached om det inte används.",
                "Blockera port 11211 (TCP och UDP) mot internet i brandväggen.",
                "Fråga er drift- eller webbhotellsleverantör om det är deras server.",
            ],
            reference: doc!("open-memcached-report/"),
        },
        en: Advice {
            title: "Cache server (Memcached) open to the internet",
            what: "A server of yours runs Memcached, a fast cache for web applications, and it answers from the internet. By default Memcached has no login.",
            why: "Anyone can read and change what is in the cache, sometimes login details or personal data. Over UDP the service can also produce some of the largest amplified denial-of-service (DDoS) attacks ever measured.",
            actions: &[
                "Let Memcached listen on an internal address only (for example 127.0.0.1).",
                "Turn off UDP in Memcached if it is not used.",
                "Block port 11211 (TCP and UDP) to the internet in your firewall.",
                "Ask your operations or hosting provider if it is their server.",
            ],
            reference: doc!("open-memcached-report/"),
        },
    },
    Entry {
        key: "scan_elasticsearch",
        types: &["scan_elasticsearch"],
        sv: Advice {
            title: "Databas (Elasticsearch) öppen mot internet",
            what: "En Elasticsearch-server hos er svarar från internet. Elasticsearch är en databas för sökning och loggar, och den innehåller ofta stora mängder data.",
            why: "Utan inloggning kan vem som helst läsa, ändra eller radera allt innehåll. Öppna databaser hittas snabbt av automatiska program och töms eller krypteras för utpressning. Det kan vara en personuppgiftsincident.",
            actions: &[
                "Blockera åtkomsten från internet nu (oftast port 9200 och 9300).",
                "Slå på inloggning och kryptering med Elasticsearchs inbyggda säkerhetsfunktioner.",
                "Ta reda på vilka uppgifter som fanns i databasen och om någon obehörig har läst dem, till exempel i loggarna.",
                "Om personuppgifter kan ha kommit ut: bedöm om det är en personuppgiftsincident som ska anmälas till Integritetsskyddsmyndigheten (IMY) inom 72 timmar.",
                "Fråga er leverantör om hjälp om de driver tjänsten.",
            ],
            reference: doc!("open-elasticsearch-report/"),
        },
        en: Advice {
            title: "Database (Elasticsearch) open to the internet",
            what: "An Elasticsearch server of yours answers from the internet. Elasticsearch is a database for search and logs, and it often holds large amounts of data.",
            why: "Without a login anyone can read, change or delete all its content. Open databases are found quickly by automated programs and are emptied or encrypted for ransom. It may be a personal data breach.",
            actions: &[
                "Block access from the internet now (usually ports 9200 and 9300).",
                "Turn on login and encryption with Elasticsearch's built-in security features.",
                "Find out what data the database held and whether anyone unauthorised has read it, for example from the logs.",
                "If personal data may have leaked, assess whether it is a personal data breach to be reported to the data protection authority (in Sweden IMY) within 72 hours.",
                "Ask your supplier for help if they run the service.",
            ],
            reference: doc!("open-elasticsearch-report/"),
        },
    },
    Entry {
        key: "scan_mongodb",
        types: &["scan_mongodb"],
        sv: Advice {
            title: "Databas (MongoDB) nåbar från internet",
            what: "En MongoDB-databas hos er tar emot anslutningar från internet. Databaser ligger normalt bakom en applikation och behöver sällan nås direkt utifrån.",
            why: "Äldre eller felinställda MongoDB-installationer kräver ingen inloggning. Öppna databaser töms ofta automatiskt och ersätts med ett krav på lösensumma. Det kan vara en personuppgiftsincident.",
            actions: &[
                "Blockera port 27017 mot internet och låt databasen bara lyssna på interna adresser.",
                "Slå på behörighetskontroll (inloggning) och använd starka lösenord.",
                "Uppdatera MongoDB till en version som får säkerhetsuppdateringar.",
                "Kontrollera att data finns kvar och om någon obehörig har varit inne. Bedöm om det är en personuppgiftsincident som ska anmälas till Integritetsskyddsmyndigheten (IMY).",
            ],
            reference: doc!("open-mongodb-report/"),
        },
        en: Advice {
            title: "Database (MongoDB) reachable from the internet",
            what: "A MongoDB database of yours accepts connections from the internet. Databases normally sit behind an application and rarely need to be reached directly from outside.",
            why: "Older or misconfigured MongoDB installations require no login. Open databases are often emptied automatically and replaced with a ransom demand. It may be a personal data breach.",
            actions: &[
                "Block port 27017 to the internet and let the database listen on internal addresses only.",
                "Turn on access control (login) and use strong passwords.",
                "Update MongoDB to a version that still gets security updates.",
                "Check that your data is still there and whether anyone unauthorised has been in. Assess whether it is a personal data breach to be reported to the data protection authority.",
            ],
            reference: doc!("open-mongodb-report/"),
        },
    },
    Entry {
        key: "scan_redis",
        types: &["scan_redis"],
        sv: Advice {
            title: "Databas (Redis) öppen mot internet",
            what: "En Redis-server hos er svarar från internet. Redis är en snabb databas som ofta används som mellanlager (cache) eller kö i webbtjänster.",
            why: "Redis har ofta ingen inloggning. En angripare kan då läsa och ändra data och i många fall ta över hela servern, till exempel för att låta den bryta kryptovaluta.",
            actions: &[
                "Låt Redis bara lyssna på interna adresser och blockera port 6379 mot internet.",
                "Slå på lösenord eller användarkonton och skyddsläget (protected-mode).",
                "Uppdatera Redis.",
                "Sök igenom servern efter okända program, nya schemalagda jobb och okända SSH-nycklar. Kontakta CERT-SE om ni hittar något.",
            ],
            reference: doc!("open-redis-report/"),
        },
        en: Advice {
            title: "Database (Redis) open to the internet",
            what: "A Redis server of yours answers from the internet. Redis is a fast database often used as a cache or queue in web services.",
            why: "Redis often has no login. An attacker can then read and change data and in many cases take over the whole server, for example to make it mine cryptocurrency.",
            actions: &[
                "Let Redis listen on internal addresses only and block port 6379 to the internet.",
                "Turn on a password or user accounts, and protected mode.",
                "Update Redis.",
                "Search the server for unknown programs, new scheduled jobs and unknown SSH keys. Contact CERT-SE if you find anything.",
            ],
            reference: doc!("open-redis-report/"),
        },
    },
    Entry {
        key: "scan_mysql",
        types: &["scan_mysql", "scan_postgres"],
        sv: Advice {
            title: "Databasserver (MySQL eller PostgreSQL) nåbar från internet",
            what: "En databasserver hos er, MySQL, MariaDB eller PostgreSQL, tar emot anslutningar från internet. Databaser ligger normalt bakom en webbapplikation och behöver sällan nås direkt utifrån.",
            why: "Angripare försöker gissa lösenord och utnyttja kända säkerhetsluckor i databasprogrammet. Lyckas de kan de läsa, ändra eller radera data, ofta personuppgifter.",
            actions: &[
                "Blockera databasporten mot internet (MySQL 3306, PostgreSQL 5432) och släpp bara fram de servrar som behöver databasen.",
                "Om någon behöver nå databasen utifrån: använd VPN (en krypterad tunnel in till ert nät).",
                "Använd starka lösenord, ta bort konton som inte används och kräv krypterade anslutningar (TLS).",
                "Installera säkerhetsuppdateringar. Fråga webbhotellet eller driftleverantören om det är deras server.",
            ],
            reference: doc!("accessible-mysql-server-report/"),
        },
        en: Advice {
            title: "Database server (MySQL or PostgreSQL) reachable from the internet",
            what: "A database server of yours, MySQL, MariaDB or PostgreSQL, accepts connections from the internet. Databases normally sit behind a web application and rarely need to be reached directly from outside.",
            why: "Attackers try to guess passwords and exploit known flaws in the database software. If they succeed they can read, change or delete data, often personal data.",
            actions: &[
                "Block the database port to the internet (MySQL 3306, PostgreSQL 5432) and let through only the servers that need the database.",
                "If someone must reach the database from outside, use a VPN (an encrypted tunnel into your network).",
                "Use strong passwords, remove unused accounts and require encrypted connections (TLS).",
                "Install security updates. Ask your hosting or operations provider if it is their server.",
            ],
            reference: doc!("accessible-mysql-server-report/"),
        },
    },
    Entry {
        key: "scan_mssql",
        types: &["scan_mssql"],
        sv: Advice {
            title: "Microsoft SQL Server svarar från internet",
            what: "En Microsoft SQL Server hos er svarar från internet på frågor till sin katalogtjänst (SQL Server Browser, UDP 1434). Svaret visar serverns namn, version och databasinstanser.",
            why: "Uppgifterna hjälper angripare att hitta och angripa databasen. Katalogtjänsten kan också missbrukas för att förstärka överbelastningsattacker (DDoS).",
            actions: &[
                "Blockera UDP 1434 och databasporten (oftast TCP 1433) mot internet.",
                "Stäng av SQL Server Browser om den inte behövs.",
                "Installera säkerhetsuppdateringar och kontrollera att databasen kräver starka lösenord.",
                "Fråga er IT-leverantör om det är deras server.",
            ],
            reference: doc!("open-ms-sql-server-resolution-service-report/"),
        },
        en: Advice {
            title: "Microsoft SQL Server answers from the internet",
            what: "A Microsoft SQL Server of yours answers queries to its directory service (SQL Server Browser, UDP 1434) from the internet. The answer shows the server's name, version and database instances.",
            why: "This information helps attackers find and attack the database. The directory service can also be misused to amplify denial-of-service (DDoS) attacks.",
            actions: &[
                "Block UDP 1434 and the database port (usually TCP 1433) to the internet.",
                "Turn off SQL Server Browser if it is not needed.",
                "Install security updates and check that the database requires strong passwords.",
                "Ask your IT supplier if it is their server.",
            ],
            reference: doc!("open-ms-sql-server-resolution-service-report/"),
        },
    },
    Entry {
        key: "scan_docker",
        types: &["scan_docker"],
        sv: Advice {
            title: "Styrgränssnittet för Docker öppet mot internet",
            what: "En server hos er låter vem som helst på internet styra Docker, programmet som kör containrar (paketerade applikationer).",
            why: "Den som når Dockers styrgränssnitt kan starta egna program och i praktiken ta över hela servern. Sådana servrar hittas snabbt och används för att bryta kryptovaluta eller som språngbräda för fler angrepp.",
            actions: &[
                "Blockera Dockers styrport mot internet nu (oftast TCP 2375 och 2376).",
                "Låt Docker bara kunna styras lokalt på servern, eller kräv klientcertifikat (TLS) om fjärrstyrning behövs.",
                "Gå igenom vilka containrar som körs och ta bort okända.",
                "Om ni hittar något okänt: behandla servern som angripen, installera om den och kontakta CERT-SE.",
            ],
            reference: doc!("accessible-docker-service-report/"),
        },
        en: Advice {
            title: "Docker control interface open to the internet",
            what: "A server of yours lets anyone on the internet control Docker, the program that runs containers (packaged applications).",
            why: "Whoever reaches Docker's control interface can start their own programs and in practice take over the whole server. Such servers are found fast and used to mine cryptocurrency or as a stepping stone for further attacks.",
            actions: &[
                "Block Docker's control port to the internet now (usually TCP 2375 and 2376).",
                "Let Docker be controlled only locally on the server, or require client certificates (TLS) if remote control is needed.",
                "Review which containers are running and remove unknown ones.",
                "If you find anything unknown, treat the server as compromised, reinstall it and contact CERT-SE.",
            ],
            reference: doc!("accessible-docker-service-report/"),
        },
    },
    Entry {
        key: "scan_kubernetes",
        types: &["scan_kubernetes"],
        sv: Advice {
            title: "Styrgränssnittet för Kubernetes nåbart från internet",
            what: "En server hos er visar Kubernetes API mot internet. Det är gränssnittet som styr ett kluster av containrar (paketerade applikationer).",
            why: "Om gränssnittet tillåter anonym åtkomst eller har en känd säkerhetslucka kan en angripare ta över hela klustret. Även när inloggning krävs avslöjar det version och andra uppgifter som underlättar angrepp.",
            actions: &[
                "Begränsa åtkomsten till gränssnittet (oftast TCP 6443 eller 443) till era egna nät eller till VPN (en krypterad tunnel in till ert nät).",
                "Kontrollera att anonym åtkomst är avstängd och att behörigheterna (RBAC) är så snäva som möjligt.",
                "Uppdatera Kubernetes till en version som får säkerhetsuppdateringar.",
                "Fråga er moln- eller driftleverantör om hjälp om de driver klustret.",
            ],
            reference: doc!("accessible-kubernetes-api-server-report/"),
        },
        en: Advice {
            title: "Kubernetes control interface reachable from the internet",
            what: "A server of yours exposes the Kubernetes API to the internet. This is the interface that controls a cluster of containers (packaged applications).",
            why: "If the interface allows anonymous access or has a known flaw, an attacker can take over the whole cluster. Even when login is required, it reveals the version and other details that make attacks easier.",
            actions: &[
                "Restrict access to the interface (usually TCP 6443 or 443) to your own networks or a VPN (an encrypted tunnel into your network).",
                "Check that anonymous access is turned off and that permissions (RBAC) are as narrow as possible.",
                "Update Kubernetes to a version that still gets security updates.",
                "Ask your cloud or operations provider for help if they run the cluster.",
            ],
            reference: doc!("accessible-kubernetes-api-server-report/"),
        },
    },
    Entry {
        key: "scan_ics",
        types: &["scan_ics"],
        sv: Advice {
            title: "Industriellt styrsystem nåbart från internet",
            what: "En enhet hos er svarar på ett protokoll för industriella styrsystem, till exempel Modbus, BACnet eller Siemens S7. Sådana enheter styr bland annat pumpar, ventilation, värme och vattenrening.",
            why: "Styrsystemens protokoll saknar ofta inloggning. En angripare kan läsa av och ändra värden och i värsta fall påverka den fysiska anläggningen. Sådana angrepp har drabbat vattenverk och fastigheter.",
            actions: &[
                "Koppla bort enheten från internet, eller blockera den i brandväggen, nu.",
                "Ta reda på vem som ansvarar för anläggningen. Ofta är det en extern leverantör av fastighets- eller processautomation.",
                "Ordna leverantörens fjärråtkomst via VPN (en krypterad tunnel in till ert nät) med tvåfaktorsinloggning, och helst bara när den behövs.",
                "Kontrollera att inga inställningar har ändrats, och uppdatera enhetens programvara.",
                "Kontakta CERT-SE direkt om ni misstänker att någon har påverkat anläggningen.",
            ],
            reference: doc!("accessible-ics-report/"),
        },
        en: Advice {
            title: "Industrial control system reachable from the internet",
            what: "A device of yours answers on a protocol for industrial control systems, such as Modbus, BACnet or Siemens S7. Such devices control pumps, ventilation, heating and water treatment, among other things.",
            why: "Control-system protocols often have no login. An attacker can read and change values and at worst affect the physical plant. Such attacks have hit waterworks and buildings.",
            actions: &[
                "Disconnect the device from the internet, or block it in the firewall, now.",
                "Find out who is responsible for the installation. Often it is an outside supplier of building or process automation.",
                "Give the supplier remote access through a VPN (an encrypted tunnel into your network) with two-factor login, preferably only when needed.",
                "Check that no settings have been changed, and update the device's software.",
                "Contact CERT-SE at once if you suspect someone has interfered with the installation.",
            ],
            reference: doc!("accessible-ics-report/"),
        },
    },
    Entry {
        key: "scan_isakmp",
        types: &["scan_isakmp"],
        sv: Advice {
            title: "VPN-enhet med sårbar IKE-tjänst (ISAKMP)",
            what: "En enhet hos er för VPN (krypterade tunnlar in till ert nät), till exempel en brandvägg eller router, svarar på IKE (ISAKMP) på ett sätt som tyder på en känd säkerhetslucka. IKE är det protokoll som sätter upp tunnlarna.",
            why: "Vissa äldre enheter kan läcka innehåll ur minnet, till exempel lösenord eller nycklar, till den som skickar ett särskilt utformat paket. Svaret kan också användas för att förstärka överbelastningsattacker (DDoS).",
            actions: &[
                "Ta reda på tillverkare och modell, och läs tillverkarens säkerhetsmeddelanden.",
                "Uppdatera enhetens programvara. Byt ut enheter som inte längre får uppdateringar.",
                "Stäng av IKEv1 om det inte behövs, och använd IKEv2.",
                "Byt lösenord och nycklar för VPN om enheten har varit sårbar länge. Fråga er IT-leverantör om hjälp.",
            ],
            reference: doc!("vulnerable-isakmp-report/"),
        },
        en: Advice {
            title: "VPN device with a vulnerable IKE service (ISAKMP)",
            what: "A device of yours for VPN (encrypted tunnels into your network), such as a firewall or router, answers IKE (ISAKMP) in a way that points to a known security flaw. IKE is the protocol that sets up the tunnels.",
            why: "Some older devices can leak memory contents, such as passwords or keys, to anyone who sends a specially crafted packet. The answer can also be used to amplify denial-of-service (DDoS) attacks.",
            actions: &[
                "Find out the make and model, and read the vendor's security advisories.",
                "Update the device's software. Replace devices that no longer get updates.",
                "Turn off IKEv1 if it is not needed, and use IKEv2.",
                "Change VPN passwords and keys if the device has been vulnerable for long. Ask your IT supplier for help.",
            ],
            reference: doc!("vulnerable-isakmp-report/"),
        },
    },
    Entry {
        key: "scan_ssl",
        types: &["scan_ssl"],
        sv: Advice {
            title: "Krypterad tjänst (SSL/TLS) nåbar från internet",
            what: "En tjänst hos er använder SSL/TLS, den kryptering som skyddar till exempel webbplatser (https) och e-post. Rapporten visar certifikat och inställningar, och den tar med även tjänster som fungerar som de ska.",
            why: "Ofta är tjänsten avsiktligt öppen. Men rapporten avslöjar brister som gamla protokollversioner, svag kryptering, utgångna eller självsignerade certifikat, och styrgränssnitt som inte borde synas på internet.",
            actions: &[
                "Kontrollera att tjänsten ska vara nåbar från internet. Styrgränssnitt för brandväggar, skrivare och liknande ska inte vara det.",
                "Förnya certifikat som har gått ut eller snart går ut, och använd certifikat från en betrodd utfärdare.",
                "Stäng av SSLv2, SSLv3, TLS 1.0 och TLS 1.1, och använd TLS 1.2 eller 1.3.",
                "Fråga webbhotellet eller IT-leverantören om det är deras tjänst.",
            ],
            reference: doc!("accessible-ssl-report/"),
        },
        en: Advice {
            title: "Encrypted service (SSL/TLS) reachable from the internet",
            what: "A service of yours uses SSL/TLS, the encryption that protects websites (https) and e-mail, for example. The report shows certificates and settings, and it also lists services that work as they should.",
            why: "The service is often open on purpose. But the report reveals weaknesses such as old protocol versions, weak encryption, expired or self-signed certificates, and management interfaces that should not be visible on the internet.",
            actions: &[
                "Check that the service should be reachable from the internet. Management interfaces of firewalls, printers and the like should not be.",
                "Renew certificates that have expired or will soon, and use certificates from a trusted issuer.",
                "Turn off SSLv2, SSLv3, TLS 1.0 and TLS 1.1, and use TLS 1.2 or 1.3.",
                "Ask your hosting provider or IT supplier if it is their service.",
            ],
            reference: doc!("accessible-ssl-report/"),
        },
    },
    Entry {
        key: "scan_ssl_freak",
        types: &["scan_ssl_freak"],
        sv: Advice {
            title: "Krypterad tjänst tillåter svag exportkryptering (FREAK)",
            what: "En tjänst hos er som använder SSL/TLS accepterar fortfarande mycket svaga krypteringsnycklar av en gammal typ (så kallade exportchiffer). Bristen kallas FREAK.",
            why: "En angripare som kan avlyssna och ändra trafiken, till exempel på ett publikt trådlöst nät, kan tvinga fram den svaga krypteringen, knäcka den och läsa eller ändra det som skickas. Bristen tyder också på att programvaran är gammal.",
            actions: &[
                "Stäng av exportchiffer och annan svag kryptering i tjänstens inställningar.",
                "Uppdatera servern och dess krypteringsbibliotek (till exempel OpenSSL).",
                "Använd TLS 1.2 eller 1.3 med modern kryptering.",
                "Fråga webbhotellet eller IT-leverantören om det är deras tjänst.",
            ],
            reference: doc!("ssl-freak-report/"),
        },
        en: Advice {
            title: "Encrypted service allows weak export encryption (FREAK)",
            what: "A service of yours that uses SSL/TLS still accepts very weak encryption keys of an old kind (so-called export ciphers). The flaw is known as FREAK.",
            why: "An attacker who can intercept and change the traffic, for example on a public wireless network, can force the weak encryption, break it and read or change what is sent. The flaw also suggests that the software is old.",
            actions: &[
                "Turn off export ciphers and other weak encryption in the service's settings.",
                "Update the server and its encryption library (for example OpenSSL).",
                "Use TLS 1.2 or 1.3 with modern encryption.",
                "Ask your hosting provider or IT supplier if it is their service.",
            ],
            reference: doc!("ssl-freak-report/"),
        },
    },
    Entry {
        key: "scan_ssl_poodle",
        types: &["scan_ssl_poodle"],
        sv: Advice {
            title: "Krypterad tjänst tillåter det föråldrade SSLv3 (POODLE)",
            what: "En tjänst hos er accepterar fortfarande SSL version 3, en föråldrad version av krypteringen från 1990-talet. Bristen i den kallas POODLE.",
            why: "En angripare som kan avlyssna och påverka trafiken kan i vissa fall läsa krypterade uppgifter, till exempel inloggningskakor (cookies). Risken är låg, men det visar att inställningarna är gamla.",
            actions: &[
                "Stäng av SSLv3 och SSLv2 i tjänstens inställningar.",
                "Stäng även av TLS 1.0 och 1.1 om inga gamla klienter behöver dem.",
                "Uppdatera programvaran.",
                "Fråga webbhotellet eller IT-leverantören om det är deras tjänst.",
            ],
            reference: doc!("ssl-poodle-report/"),
        },
        en: Advice {
            title: "Encrypted service allows the obsolete SSLv3 (POODLE)",
            what: "A service of yours still accepts SSL version 3, an obsolete version of the encryption from the 1990s. Its flaw is known as POODLE.",
            why: "An attacker who can intercept and influence the traffic can in some cases read encrypted data, such as login cookies. The risk is low, but it shows that the settings are old.",
            actions: &[
                "Turn off SSLv3 and SSLv2 in the service's settings.",
                "Also turn off TLS 1.0 and 1.1 if no old clients need them.",
                "Update the software.",
                "Ask your hosting provider or IT supplier if it is their service.",
            ],
            reference: doc!("ssl-poodle-report/"),
        },
    },
    Entry {
        key: "scan_http_vulnerable",
        types: &["scan_http_vulnerable"],
        sv: Advice {
            title: "Webbtjänst med känd allvarlig sårbarhet",
            what: "En webbtjänst hos er kör programvara med en känd, allvarlig säkerhetslucka. Det kan vara en webbserver, en VPN-portal (inloggningen för distansarbete), en brandvägg eller en annan enhet med webbgränssnitt. Fälten ”tag” och ”detail” i bilagan (CSV-filen) anger ofta vilken sårbarhet det gäller, till exempel med ett CVE-nummer (ett löpnummer för kända sårbarheter).",
            why: "Sårbarheter av det här slaget utnyttjas ofta, ibland inom några dagar efter att de har blivit kända. En angripare kan ta över enheten och använda den för att ta sig vidare in i ert nät.",
            actions: &[
                "Installera tillverkarens säkerhetsuppdatering nu, eller tillverkarens tillfälliga lösning om uppdateringen inte finns än.",
                "Om ni inte kan uppdatera direkt: stäng åtkomsten från internet tills det är gjort.",
                "Kontrollera om enheten redan har angripits: leta efter okända konton, filer och inloggningar, och följ tillverkarens anvisningar för att söka efter spår.",
                "Byt lösenord och nycklar som finns på enheten om den kan ha angripits.",
                "Kontakta CERT-SE om ni hittar tecken på intrång, och be er IT-leverantör om hjälp.",
            ],
            reference: doc!("vulnerable-http-report/"),
        },
        en: Advice {
            title: "Web service with a known serious vulnerability",
            what: "A web service of yours runs software with a known, serious security flaw. It may be a web server, a VPN portal (the login for remote work), a firewall or another device with a web interface. The \"tag\" and \"detail\" fields in the attachment (the CSV file) often name the vulnerability, for example by a CVE number (a running number for known vulnerabilities).",
            why: "Vulnerabilities like this are often exploited, sometimes within days of becoming known. An attacker can take over the device and use it to move further into your network.",
            actions: &[
                "Install the vendor's security update now, or the vendor's workaround if no update exists yet.",
                "If you cannot update at once, block access from the internet until you have.",
                "Check whether the device has already been attacked: look for unknown accounts, files and logins, and follow the vendor's instructions for finding traces.",
                "Change passwords and keys stored on the device if it may have been attacked.",
                "Contact CERT-SE if you find signs of a break-in, and ask your IT supplier for help.",
            ],
            reference: doc!("vulnerable-http-report/"),
        },
    },
    Entry {
        key: "scan_exchange",
        types: &["scan_exchange"],
        sv: Advice {
            title: "E-postserver (Exchange) saknar viktiga säkerhetsuppdateringar",
            what: "En Microsoft Exchange-server (e-postserver) hos er kör en version som saknar säkerhetsuppdateringar för kända, allvarliga sårbarheter. Ibland visar rapporten också tecken på att servern redan har angripits, till exempel en bakdörr.",
            why: "Sårbarheter i Exchange har utnyttjats i stor skala för att ta över servrar, läsa e-post och ta sig vidare in i nätet. Servern är nåbar från internet och har ofta höga behörigheter i er Windows-miljö.",
            actions: &[
                "Installera Microsofts senaste samlade uppdatering (CU) och säkerhetsuppdatering nu.",
                "Sök efter spår av intrång med Microsofts verktyg för detta, och leta efter okända filer i serverns webbkataloger.",
                "Om rapporten nämner en bakdörr eller ni hittar tecken på intrång: koppla bort servern från internet och kontakta CERT-SE.",
                "Byt ut versioner som inte längre får uppdateringar, till exempel genom att flytta e-posten till en tjänst som får det.",
                "Fråga er IT-leverantör om hjälp om de driver servern.",
            ],
            reference: doc!("vulnerable-exchange-server-report/"),
        },
        en: Advice {
            title: "Mail server (Exchange) lacks important security updates",
            what: "A Microsoft Exchange server (mail server) of yours runs a version without the security updates for known, serious vulnerabilities. Sometimes the report also shows signs that the server has already been attacked, such as a backdoor.",
            why: "Exchange vulnerabilities have been exploited on a large scale to take over servers, read e-mail and move further into networks. The server is reachable from the internet and often has high privileges in your Windows environment.",
            actions: &[
                "Install Microsoft's latest cumulative update (CU) and security update now.",
                "Look for traces of a break-in with Microsoft's tool for this, and look for unknown files in the server's web folders.",
                "If the report mentions a backdoor or you find signs of a break-in, disconnect the server from the internet and contact CERT-SE.",
                "Replace versions that no longer get updates, for example by moving e-mail to a service that does.",
                "Ask your IT supplier for help if they run the server.",
            ],
            reference: doc!("vulnerable-exchange-server-report/"),
        },
    },
    Entry {
        key: "scan_http",
        types: &["scan_http"],
        sv: Advice {
            title: "Webbserver nåbar från internet",
            what: "En webbserver eller en enhet med webbgränssnitt hos er svarar från internet. Rapporten är en översikt och tar med även webbtjänster som fungerar som de ska.",
            why: "Oftast är det avsiktligt. Men ibland syns styrgränssnitt för routrar, brandväggar, kameror eller styrsystem som inte borde vara nåbara, eller gamla servrar som ingen längre sköter.",
            actions: &[
                "Gå igenom listan och kontrollera att varje webbtjänst ska vara nåbar från internet.",
                "Stäng åtkomsten till styrgränssnitt och testsidor från internet.",
                "Se till att programvaran är uppdaterad och att trafiken är krypterad (https).",
            ],
            reference: doc!("accessible-http-report/"),
        },
        en: Advice {
            title: "Web server reachable from the internet",
            what: "A web server or a device with a web interface of yours answers from the internet. The report is an overview and also lists web services that work as they should.",
            why: "This is usually intended. But sometimes it shows management interfaces of routers, firewalls, cameras or control systems that should not be reachable, or old servers that nobody looks after any more.",
            actions: &[
                "Go through the list and check that each web service should be reachable from the internet.",
                "Block access from the internet to management interfaces and test pages.",
                "Make sure the software is up to date and the traffic is encrypted (https).",
            ],
            reference: doc!("accessible-http-report/"),
        },
    },
    Entry {
        key: "scan_smtp",
        types: &["scan_smtp"],
        sv: Advice {
            title: "E-postserver (SMTP) nåbar från internet",
            what: "En e-postserver hos er tar emot anslutningar från internet via SMTP, protokollet för att skicka och ta emot e-post. Det behövs för att ta emot e-post, så rapporten är oftast bara information.",
            why: "Servern bör bara finnas där ni väntar er den. En okänd e-postserver kan vara ett bortglömt system eller en missbrukad enhet, och en felinställd server kan användas för att skicka skräppost.",
            actions: &[
                "Kontrollera att servern är en av era kända e-postservrar.",
                "Se till att den inte skickar vidare e-post åt vem som helst (ett så kallat öppet relä) och att den stöder kryptering (STARTTLS).",
                "Håll programvaran uppdaterad. Fråga er e-postleverantör om det är deras server.",
            ],
            reference: doc!("accessible-smtp-report/"),
        },
        en: Advice {
            title: "Mail server (SMTP) reachable from the internet",
            what: "A mail server of yours accepts connections from the internet over SMTP, the protocol for sending and receiving e-mail. This is needed to receive e-mail, so the report is usually for information only.",
            why: "The server should exist only where you expect it. An unknown mail server may be a forgotten system or a misused device, and a misconfigured server can be used to send spam.",
            actions: &[
                "Check that the server is one of your known mail servers.",
                "Make sure it does not relay e-mail for anyone (a so-called open relay) and that it supports encryption (STARTTLS).",
                "Keep the software up to date. Ask your e-mail provider if it is their server.",
            ],
            reference: doc!("accessible-smtp-report/"),
        },
    },
    Entry {
        key: "scan_imap",
        types: &["scan_imap", "scan_pop3"],
        sv: Advice {
            title: "Tjänst för att hämta e-post (IMAP eller POP3) nåbar från internet",
            what: "En server hos er låter användare hämta e-post från internet via IMAP eller POP3.",
            why: "Det är ofta avsiktligt, men tjänsten är ett vanligt mål för lösenordsgissning. Om den tillåter okrypterad inloggning kan lösenord avlyssnas.",
            actions: &[
                "Kontrollera att tjänsten behövs. Många organisationer använder i stället webbmejl eller appar med modern inloggning.",
                "Tillåt bara krypterade anslutningar (IMAPS 993, POP3S 995) och stäng av okrypterad inloggning.",
                "Uppdatera programvaran och använd tvåfaktorsinloggning där det går.",
            ],
            reference: doc!("accessible-imap-report/"),
        },
        en: Advice {
            title: "Mail retrieval service (IMAP or POP3) reachable from the internet",
            what: "A server of yours lets users fetch e-mail from the internet over IMAP or POP3.",
            why: "This is often intended, but the service is a common target for password guessing. If it allows unencrypted login, passwords can be intercepted.",
            actions: &[
                "Check that the service is needed. Many organisations use webmail or apps with modern login instead.",
                "Allow encrypted connections only (IMAPS 993, POP3S 995) and turn off unencrypted login.",
                "Update the software and use two-factor login where possible.",
            ],
            reference: doc!("accessible-imap-report/"),
        },
    },
    Entry {
        key: "scan_smtp_vulnerable",
        types: &["scan_smtp_vulnerable", "scan_imap_vulnerable", "scan_pop3_vulnerable"],
        sv: Advice {
            title: "E-postserver med känd sårbarhet",
            what: "En e-postserver hos er (SMTP för att skicka och ta emot, IMAP eller POP3 för att hämta e-post) kör en version med en känd säkerhetslucka. Bilagan (CSV-filen) anger ofta vilken sårbarhet det gäller.",
            why: "E-postservrar är alltid nåbara från internet och angrips därför ofta. En sårbarhet kan låta en angripare ta över servern, läsa e-post eller skicka skräppost och bedrägerier i ert namn.",
            actions: &[
                "Installera säkerhetsuppdateringen för e-postprogrammet nu (till exempel Exim, Postfix, Dovecot eller Exchange).",
                "Kontrollera om servern redan har angripits: leta efter okända konton, program och ändrade inställningar.",
                "Byt ut versioner som inte längre får uppdateringar.",
                "Fråga er e-post- eller driftleverantör om det är deras server.",
            ],
            reference: doc!("vulnerable-smtp-report/"),
        },
        en: Advice {
            title: "Mail server with a known vulnerability",
            what: "A mail server of yours (SMTP for sending and receiving, IMAP or POP3 for fetching e-mail) runs a version with a known security flaw. The attachment (the CSV file) often names the vulnerability.",
            why: "Mail servers are always reachable from the internet and are therefore attacked often. A vulnerability may let an attacker take over the server, read e-mail or send spam and fraud in your name.",
            actions: &[
                "Install the security update for the mail software now (for example Exim, Postfix, Dovecot or Exchange).",
                "Check whether the server has already been attacked: look for unknown accounts, programs and changed settings.",
                "Replace versions that no longer get updates.",
                "Ask your e-mail or operations provider if it is their server.",
            ],
            reference: doc!("vulnerable-smtp-report/"),
        },
    },
    Entry {
        key: "device_id",
        types: &["device_id"],
        sv: Advice {
            title: "Enhet identifierad på internet",
            what: "Vi har sett en enhet hos er som är nåbar från internet och har kunnat avgöra vilken sorts enhet det är, till exempel tillverkare och modell. Bilagan (CSV-filen) visar vad som identifierades.",
            why: "Rapporten är oftast bara information. Men den visar ibland enheter som inte borde synas på internet, till exempel kameror, styrsystem, lagringsenheter eller brandväggars styrgränssnitt, och sådana enheter angrips ofta.",
            actions: &[
                "Gå igenom listan och kontrollera att ni känner till varje enhet.",
                "Stäng åtkomsten från internet för enheter och styrgränssnitt som inte behöver den.",
                "Kontrollera att enheterna har aktuell programvara och inga standardlösenord.",
                "För in enheterna i er förteckning över IT-utrustning.",
            ],
            reference: doc!("device-identification-report/"),
        },
        en: Advice {
            title: "Device identified on the internet",
            what: "We have seen a device of yours that is reachable from the internet and could tell what kind of device it is, such as make and model. The attachment (the CSV file) shows what was identified.",
            why: "The report is usually for information only. But it sometimes shows devices that should not be visible on the internet, such as cameras, control systems, storage devices or firewall management interfaces, and such devices are often attacked.",
            actions: &[
                "Go through the list and check that you know each device.",
                "Block access from the internet for devices and management interfaces that do not need it.",
                "Check that the devices have current software and no default passwords.",
                "Add the devices to your inventory of IT equipment.",
            ],
            reference: doc!("device-identification-report/"),
        },
    },
    Entry {
        key: "blocklist",
        types: &["blocklist"],
        sv: Advice {
            title: "Adressen finns på en spärrlista",
            what: "En av era adresser finns på en spärrlista över adresser som har skickat skräppost, spridit skadlig kod eller angripit andra. Bilagan (CSV-filen) anger vilken lista och varför, om det är känt.",
            why: "Det betyder ofta att en dator eller server bakom adressen är infekterad eller missbrukad. E-post från adressen kan också stoppas av mottagarnas skräppostfilter.",
            actions: &[
                "Ta reda på vilken dator eller tjänst som använder adressen och vad den har skickat.",
                "Sök igenom den efter skadlig kod och rensa den, eller installera om den.",
                "Stäng tjänster som missbrukas, till exempel öppna e-postservrar eller kapade konton som skickar skräppost.",
                "Be listans ägare att ta bort adressen när problemet är åtgärdat.",
            ],
            reference: doc!("blocklist-report/"),
        },
        en: Advice {
            title: "The address is on a blocklist",
            what: "One of your addresses is on a blocklist of addresses that have sent spam, spread malicious software or attacked others. The attachment (the CSV file) says which list and why, when that is known.",
            why: "This often means that a computer or server behind the address is infected or misused. E-mail from the address may also be stopped by the recipients' spam filters.",
            actions: &[
                "Find out which computer or service uses the address and what it has sent.",
                "Scan it for malicious software and clean it, or reinstall it.",
                "Shut down misused services, such as open mail servers or hijacked accounts that send spam.",
                "Ask the list's owner to remove the address once the problem is fixed.",
            ],
            reference: doc!("blocklist-report/"),
        },
    },
    Entry {
        key: "compromised_website",
        types: &["compromised_website"],
        sv: Advice {
            title: "Webbplats som verkar vara angripen",
            what: "En webbplats hos er verkar vara angripen. Vi har till exempel sett skadlig kod i sidorna, dolda länkar eller omdirigeringar till bedrägliga eller skadliga webbplatser.",
            why: "Besökarna kan få skadlig kod, luras att lämna ut uppgifter eller skickas vidare till bedrägerier. Den som har tagit sig in kan också ha kommit åt uppgifter i webbplatsen eller på servern.",
            actions: &[
                "Kontakta den som driver webbplatsen, till exempel webbyrån eller webbhotellet, och visa det här meddelandet.",
                "Ta bort det skadliga innehållet eller återställ från en ren säkerhetskopia, och ta reda på hur angriparen kom in.",
                "Uppdatera publiceringssystemet (till exempel WordPress) med tillägg och teman, och ta bort det som inte används.",
                "Byt alla lösenord till webbplatsen, servern och databasen.",
                "Bedöm om personuppgifter kan ha kommit ut och om det i så fall ska anmälas till Integritetsskyddsmyndigheten (IMY).",
            ],
            reference: doc!("compromised-website-report/"),
        },
        en: Advice {
            title: "Website that appears to be compromised",
            what: "A website of yours appears to have been attacked. We have seen, for example, malicious code in its pages, hidden links, or redirects to fraudulent or harmful websites.",
            why: "Visitors may get malicious software, be tricked into giving away information or be sent on to scams. Whoever got in may also have reached data in the website or on the server.",
            actions: &[
                "Contact whoever runs the website, such as your web agency or hosting provider, and show them this notice.",
                "Remove the harmful content or restore from a clean backup, and find out how the attacker got in.",
                "Update the publishing system (for example WordPress) with its plugins and themes, and remove what is not used.",
                "Change all passwords for the website, the server and the database.",
                "Assess whether personal data may have leaked and, if so, whether it must be reported to the data protection authority.",
            ],
            reference: doc!("compromised-website-report/"),
        },
    },
    Entry {
        key: "event4_sinkhole",
        types: &["event4_sinkhole", "event4_microsoft_sinkhole"],
        sv: Advice {
            title: "Infekterad enhet: kontakt med en styrserver för skadlig kod",
            what: "En dator eller annan enhet bakom en av era adresser har försökt kontakta en server som styr skadlig kod. Servern har tagits över av säkerhetsforskare (en så kallad sinkhole) just för att hitta infekterade enheter. Bilagan (CSV-filen) visar vilken skadlig kod det gäller.",
            why: "Enheten är med stor sannolikhet infekterad. Sådan skadlig kod kan stjäla lösenord, ge angripare fjärråtkomst, skicka skräppost eller förbereda en attack med utpressningsprogram.",
            actions: &[
                "Ta reda på vilken enhet som använde adressen vid tidpunkten. Om många enheter delar adressen: använd brandväggens loggar för tid och målport.",
                "Koppla bort enheten från nätet och sök igenom den med ett uppdaterat antivirusprogram, eller installera om den.",
                "Byt lösenord som har använts på enheten, och gör det från en annan dator som inte är infekterad.",
                "Sök efter fler infekterade enheter, till exempel i brandväggens loggar efter trafik till samma mål.",
                "Kontakta CERT-SE om det gäller många enheter eller viktiga system.",
            ],
            reference: doc!("sinkhole-events-report/"),
        },
        en: Advice {
            title: "Infected device: contact with a malware control server",
            what: "A computer or other device behind one of your addresses has tried to contact a server that controls malicious software. Security researchers have taken over that server (a so-called sinkhole) precisely to find infected devices. The attachment (the CSV file) shows which malware it is.",
            why: "The device is very likely infected. Such malware can steal passwords, give attackers remote access, send spam or prepare a ransomware attack.",
            actions: &[
                "Find out which device used the address at the time. If many devices share the address, use the firewall logs for the time and destination port.",
                "Disconnect the device from the network and scan it with an up-to-date antivirus program, or reinstall it.",
                "Change passwords that have been used on the device, and do so from another computer that is not infected.",
                "Look for more infected devices, for example in the firewall logs for traffic to the same destination.",
                "Contact CERT-SE if many devices or important systems are affected.",
            ],
            reference: doc!("sinkhole-events-report/"),
        },
    },
    Entry {
        key: "event4_sinkhole_http",
        types: &["event4_sinkhole_http", "event4_microsoft_sinkhole_http"],
        sv: Advice {
            title: "Infekterad enhet: webbanrop till en styrserver för skadlig kod",
            what: "En enhet bakom en av era adresser har skickat webbanrop till en server som skadlig kod använder. Servern har tagits över av säkerhetsforskare (en så kallad sinkhole). Bilagan (CSV-filen) visar vilken skadlig kod det gäller och vilken webbadress enheten försökte nå.",
            why: "Enheten är med stor sannolikhet infekterad. Sådan skadlig kod kan stjäla lösenord, ge angripare fjärråtkomst eller ladda ned fler skadliga program, till exempel utpressningsprogram.",
            actions: &[
                "Ta reda på vilken enhet som använde adressen vid tidpunkten, till exempel i brandväggens eller webbproxyns loggar efter den webbadress som anges i bilagan.",
                "Koppla bort enheten från nätet och sök igenom den med ett uppdaterat antivirusprogram, eller installera om den.",
                "Byt lösenord som har använts på enheten, och gör det från en annan dator som inte är infekterad.",
                "Sök efter fler enheter som har anropat samma webbadress.",
                "Kontakta CERT-SE om det gäller många enheter eller viktiga system.",
            ],
            reference: doc!("sinkhole-http-events-report/"),
        },
        en: Advice {
            title: "Infected device: web requests to a malware control server",
            what: "A device behind one of your addresses has sent web requests to a server used by malicious software. Security researchers have taken over that server (a so-called sinkhole). The attachment (the CSV file) shows which malware it is and which web address the device tried to reach.",
            why: "The device is very likely infected. Such malware can steal passwords, give attackers remote access or download more malicious programs, such as ransomware.",
            actions: &[
                "Find out which device used the address at the time, for example by searching the firewall or web proxy logs for the web address given in the attachment.",
                "Disconnect the device from the network and scan it with an up-to-date antivirus program, or reinstall it.",
                "Change passwords that have been used on the device, and do so from another computer that is not infected.",
                "Look for more devices that have requested the same web address.",
                "Contact CERT-SE if many devices or important systems are affected.",
            ],
            reference: doc!("sinkhole-http-events-report/"),
        },
    },
    Entry {
        key: "event4_sinkhole_http_referer",
        types: &["event4_sinkhole_http_referer"],
        sv: Advice {
            title: "Webbplats skickar besökare vidare till en skadlig domän",
            what: "En webbplats på en av era adresser innehåller länkar eller skript som leder besökarnas webbläsare till en domän som skadlig kod använder. Domänen har tagits över av säkerhetsforskare (en så kallad sinkhole), och därför ser vi varifrån anropen kommer.",
            why: "Det betyder oftast att webbplatsen har angripits och att någon har lagt in skadlig kod i den. Om domänen byter ägare igen kan era besökare få skadlig kod.",
            actions: &[
                "Sök i webbplatsens sidor, mallar och skript efter den domän som anges i bilagan (fälten ”http_host” och ”http_url”), och ta bort det som leder dit.",
                "Ta reda på hur koden kom in: uppdatera publiceringssystem, tillägg och teman, och byt lösenord.",
                "Kontakta webbyrån eller webbhotellet om de driver webbplatsen.",
            ],
            reference: doc!("sinkhole-http-referer-events-report/"),
        },
        en: Advice {
            title: "Website sends visitors on to a malicious domain",
            what: "A website on one of your addresses contains links or scripts that lead visitors' browsers to a domain used by malicious software. Security researchers have taken over the domain (a so-called sinkhole), which is why we can see where the requests come from.",
            why: "This usually means that the website has been attacked and someone has planted malicious code in it. If the domain changes hands again, your visitors may get malware.",
            actions: &[
                "Search the website's pages, templates and scripts for the domain given in the attachment (the \"http_host\" and \"http_url\" fields), and remove what leads there.",
                "Find out how the code got in: update the publishing system, plugins and themes, and change passwords.",
                "Contact your web agency or hosting provider if they run the website.",
            ],
            reference: doc!("sinkhole-http-referer-events-report/"),
        },
    },
    Entry {
        key: "event4_sinkhole_dns",
        types: &["event4_sinkhole_dns"],
        sv: Advice {
            title: "Uppslag av ett domännamn som skadlig kod använder",
            what: "En av era adresser har frågat efter ett domännamn som skadlig kod använder och som nu kontrolleras av säkerhetsforskare. Adressen är ofta er DNS-server, som frågar för en annan dators räkning.",
            why: "Någon enhet i ert nät kan vara infekterad. Rapporten räknas som information eftersom frågan kan komma från en DNS-server och inte från den infekterade enheten själv.",
            actions: &[
                "Om adressen är en DNS-server: sök i dess loggar efter domännamnet i bilagan (fältet ”query”) för att hitta vilken enhet som frågade.",
                "Undersök den enheten efter skadlig kod och rensa eller installera om den.",
                "Överväg att blockera kända skadliga domäner i er DNS-server (en så kallad DNS-brandvägg).",
            ],
            reference: doc!("sinkhole-dns-events-report/"),
        },
        en: Advice {
            title: "Lookup of a domain name used by malware",
            what: "One of your addresses has asked for a domain name that malicious software uses and that security researchers now control. The address is often your DNS server, asking on behalf of another computer.",
            why: "A device in your network may be infected. The report counts as information because the query may come from a DNS server rather than from the infected device itself.",
            actions: &[
                "If the address is a DNS server, search its logs for the domain name in the attachment (the \"query\" field) to find which device asked.",
                "Examine that device for malicious software and clean or reinstall it.",
                "Consider blocking known malicious domains in your DNS server (a so-called DNS firewall).",
            ],
            reference: doc!("sinkhole-dns-events-report/"),
        },
    },
    Entry {
        key: "event4_honeypot_brute_force",
        types: &["event4_honeypot_brute_force"],
        sv: Advice {
            title: "Lösenordsgissning från en av era adresser",
            what: "En enhet bakom en av era adresser har försökt logga in på andras system genom att gissa lösenord, till exempel via SSH, Telnet eller RDP. Vi såg det i fällor (så kallade honeypots) som säkerhetsforskare har satt upp.",
            why: "Enheten är troligen angripen och styrs av någon annan, ofta som en del av ett botnät. Det kan vara en enhet med standardlösenord som har tagits över automatiskt.",
            actions: &[
                "Ta reda på vilken enhet som använde adressen vid tidpunkten. Använd brandväggens loggar om flera enheter delar adressen.",
                "Koppla bort enheten från nätet och undersök den. Rensa eller installera om den, och uppdatera programvaran.",
                "Byt alla lösenord på enheten, särskilt standardlösenord.",
                "Stäng tjänster som inte behöver vara nåbara från internet, så att enheten inte tas över igen.",
            ],
            reference: doc!("honeypot-brute-force-events-report/"),
        },
        en: Advice {
            title: "Password guessing from one of your addresses",
            what: "A device behind one of your addresses has tried to log in to other people's systems by guessing passwords, for example over SSH, Telnet or RDP. We saw it in traps (so-called honeypots) set up by security researchers.",
            why: "The device has probably been taken over and is controlled by someone else, often as part of a botnet. It may be a device with a default password that was taken over automatically.",
            actions: &[
                "Find out which device used the address at the time. Use the firewall logs if several devices share the address.",
                "Disconnect the device from the network and examine it. Clean or reinstall it, and update its software.",
                "Change all passwords on the device, especially default passwords.",
                "Close services that do not need to be reachable from the internet, so the device is not taken over again.",
            ],
            reference: doc!("honeypot-brute-force-events-report/"),
        },
    },
    Entry {
        key: "event4_honeypot_http_scan",
        types: &[
            "event4_honeypot_http_scan",
            "event4_honeypot_rdp_scan",
            "event4_honeypot_smb_scan",
            "event4_honeypot_ics_scan",
            "event4_honeypot_adb_scan",
            "event4_honeypot_ikev2_scan",
            "event4_honeypot_rocketmq_scan",
        ],
        sv: Advice {
            title: "En av era adresser söker efter sårbara system hos andra",
            what: "En enhet bakom en av era adresser har letat efter sårbara tjänster hos andra på internet, till exempel webbservrar, fjärrskrivbord (RDP), fildelning (SMB) eller styrsystem. Vi såg det i fällor (så kallade honeypots) som säkerhetsforskare har satt upp.",
            why: "Det tyder ofta på att enheten är angripen och används av någon annan för att hitta nya offer. Om sökningen är avsiktlig, till exempel ett beställt säkerhetstest, kan ni bortse från meddelandet.",
            actions: &[
                "Ta reda på vilken enhet det är. Använd brandväggens loggar om flera enheter delar adressen.",
                "Kontrollera om någon hos er eller er leverantör gör avsiktliga sökningar. Om inte: behandla enheten som angripen.",
                "Koppla bort enheten, undersök den och rensa eller installera om den.",
                "Byt lösenord på enheten och uppdatera dess programvara.",
            ],
            reference: doc!("honeypot-http-scanner-events/"),
        },
        en: Advice {
            title: "One of your addresses is scanning others for vulnerable systems",
            what: "A device behind one of your addresses has searched for vulnerable services of others on the internet, such as web servers, remote desktops (RDP), file sharing (SMB) or control systems. We saw it in traps (so-called honeypots) set up by security researchers.",
            why: "This often means that the device has been taken over and is used by someone else to find new victims. If the scanning is intended, for example a commissioned security test, you can disregard this notice.",
            actions: &[
                "Find out which device it is. Use the firewall logs if several devices share the address.",
                "Check whether anyone in your organisation or at your supplier is scanning on purpose. If not, treat the device as compromised.",
                "Disconnect the device, examine it, and clean or reinstall it.",
                "Change passwords on the device and update its software.",
            ],
            reference: doc!("honeypot-http-scanner-events/"),
        },
    },
    Entry {
        key: "event4_ddos_participant",
        types: &["event4_ddos_participant", "event4_honeypot_ddos"],
        sv: Advice {
            title: "En av era adresser deltar i överbelastningsattacker",
            what: "En enhet bakom en av era adresser har skickat trafik i överbelastningsattacker (DDoS) mot andra. Sådana attacker försöker slå ut en tjänst genom att skicka mer trafik än den klarar.",
            why: "Enheten är troligen angripen och ingår i ett botnät, ett nätverk av kapade enheter som någon annan styr. Attacktrafiken kan också belasta er egen internetförbindelse.",
            actions: &[
                "Ta reda på vilken enhet det är. Använd brandväggens loggar om flera enheter delar adressen. Ofta är det routrar, kameror eller andra uppkopplade enheter.",
                "Koppla bort enheten, återställ den till fabriksinställningar och uppdatera programvaran.",
                "Byt standardlösenord och stäng tjänster som inte behöver nås från internet, till exempel Telnet.",
                "Byt ut enheter som inte längre får uppdateringar.",
            ],
            reference: doc!("ddos-participant-report/"),
        },
        en: Advice {
            title: "One of your addresses takes part in denial-of-service attacks",
            what: "A device behind one of your addresses has sent traffic in denial-of-service (DDoS) attacks on others. Such attacks try to knock out a service by sending more traffic than it can handle.",
            why: "The device has probably been taken over and is part of a botnet, a network of hijacked devices controlled by someone else. The attack traffic can also strain your own internet connection.",
            actions: &[
                "Find out which device it is. Use the firewall logs if several devices share the address. It is often a router, camera or other connected device.",
                "Disconnect the device, reset it to factory settings and update its software.",
                "Change default passwords and close services that do not need to be reachable from the internet, such as Telnet.",
                "Replace devices that no longer get updates.",
            ],
            reference: doc!("ddos-participant-report/"),
        },
    },
    Entry {
        key: "event4_honeypot_ddos_target",
        types: &["event4_honeypot_ddos_target", "event4_honeypot_ddos_amp"],
        sv: Advice {
            title: "En av era adresser har utsatts för överbelastningsattacker",
            what: "Säkerhetsforskares fällor (så kallade honeypots) har sett trafik som visar att en av era adresser har varit mål för en överbelastningsattack (DDoS), alltså ett försök att slå ut en tjänst med mer trafik än den klarar. Ni är offret, inte angriparen.",
            why: "Den som har angripits en gång blir ofta angripen igen. Uppgifterna kan förklara störningar ni har haft och hjälpa er att förbereda er.",
            actions: &[
                "Jämför tiderna i bilagan (CSV-filen) med störningar i era tjänster eller er internetförbindelse.",
                "Ta reda på vilket skydd mot överbelastningsattacker som ingår hos er internetleverantör eller molntjänst, och hur ni begär hjälp under en attack.",
                "Bestäm i förväg vem som gör vad om en viktig tjänst slås ut.",
                "Rapportera attacker som har orsakat avbrott till CERT-SE.",
            ],
            reference: doc!("honeypot-ddos-target-events-report/"),
        },
        en: Advice {
            title: "One of your addresses has been hit by denial-of-service attacks",
            what: "Security researchers' traps (so-called honeypots) have seen traffic showing that one of your addresses was the target of a denial-of-service (DDoS) attack, an attempt to knock out a service with more traffic than it can handle. You are the victim, not the attacker.",
            why: "Whoever has been attacked once is often attacked again. The data may explain disruptions you have had and help you prepare.",
            actions: &[
                "Compare the times in the attachment (the CSV file) with disruptions to your services or internet connection.",
                "Find out what denial-of-service protection your internet provider or cloud service includes, and how to ask for help during an attack.",
                "Decide in advance who does what if an important service is knocked out.",
                "Report attacks that caused outages to CERT-SE.",
            ],
            reference: doc!("honeypot-ddos-target-events-report/"),
        },
    },
    Entry {
        key: "compromised_account",
        types: &["compromised_account"],
        sv: Advice {
            title: "Inloggningsuppgifter för era konton har läckt",
            what: "Inloggningsuppgifter, till exempel användarnamn och lösenord, för konton i er domän har hittats där de inte ska finnas, till exempel bland uppgifter som skadlig kod har stulit. Bilagan (CSV-filen) visar vilket konto och vilken tjänst det gäller.",
            why: "Den som har uppgifterna kan logga in som användaren, läsa e-post, skicka bedrägliga meddelanden och ta sig vidare in i era system. Om lösenordet kom från skadlig kod kan användarens dator också vara infekterad.",
            actions: &[
                "Byt lösenordet för kontot nu, och överallt där samma lösenord har använts.",
                "Logga ut kontots alla aktiva sessioner och slå på tvåfaktorsinloggning.",
                "Gå igenom inloggningsloggen och kontots e-postregler (till exempel vidarebefordran) efter tecken på missbruk.",
                "Om lösenordet kom från skadlig kod: undersök användarens dator.",
                "Informera användaren. Kontakta CERT-SE om kontot har missbrukats.",
            ],
            reference: doc!("compromised-account-report/"),
        },
        en: Advice {
            title: "Login details for your accounts have leaked",
            what: "Login details, such as user names and passwords, for accounts in your domain have been found where they should not be, for example among data stolen by malicious software. The attachment (the CSV file) shows which account and which service.",
            why: "Whoever has the details can log in as the user, read e-mail, send fraudulent messages and move further into your systems. If the password came from malware, the user's computer may also be infected.",
            actions: &[
                "Change the account's password now, and everywhere else the same password has been used.",
                "Sign the account out of all active sessions and turn on two-factor login.",
                "Review the login log and the account's mail rules (such as forwarding) for signs of misuse.",
                "If the password came from malware, examine the user's computer.",
                "Inform the user. Contact CERT-SE if the account has been misused.",
            ],
            reference: doc!("compromised-account-report/"),
        },
    },
    Entry {
        key: "scan_netbios",
        types: &["scan_netbios"],
        sv: Advice {
            title: "Windows namntjänst (NetBIOS) nåbar från internet",
            what: "En dator eller server hos er svarar på NetBIOS-frågor från internet. NetBIOS är en gammal Windows-tjänst för att hitta datorer och delade mappar i ett lokalt nät.",
            why: "Svaret avslöjar datorns namn, domän och ibland inloggad användare, vilket hjälper angripare. Det tyder också på att fildelning kan vara nåbar, och tjänsten kan missbrukas för att förstärka överbelastningsattacker (DDoS).",
            actions: &[
                "Blockera NetBIOS (UDP 137 och 138, TCP 139) och SMB (TCP 445) mot internet.",
                "Ta reda på varför datorn är direkt nåbar från internet. Fråga er IT-leverantör om ni inte vet.",
                "Stäng av NetBIOS över TCP/IP på datorer som inte behöver det.",
            ],
            reference: doc!("open-netbios-report/"),
        },
        en: Advice {
            title: "Windows name service (NetBIOS) reachable from the internet",
            what: "A computer or server of yours answers NetBIOS queries from the internet. NetBIOS is an old Windows service for finding computers and shared folders on a local network.",
            why: "The answer reveals the computer's name, domain and sometimes the logged-in user, which helps attackers. It also suggests that file sharing may be reachable, and the service can be misused to amplify denial-of-service (DDoS) attacks.",
            actions: &[
                "Block NetBIOS (UDP 137 and 138, TCP 139) and SMB (TCP 445) to the internet.",
                "Find out why the computer is directly reachable from the internet. Ask your IT supplier if you do not know.",
                "Turn off NetBIOS over TCP/IP on computers that do not need it.",
            ],
            reference: doc!("open-netbios-report/"),
        },
    },
    Entry {
        key: "scan_ldap_tcp",
        types: &["scan_ldap_tcp", "scan_ldap_udp"],
        sv: Advice {
            title: "Katalogtjänst (LDAP) nåbar från internet",
            what: "En server hos er, ofta en domänkontrollant i Active Directory, svarar på LDAP från internet. LDAP är protokollet för att fråga en katalog över användare, datorer och grupper.",
            why: "Med fel inställningar kan vem som helst läsa uppgifter om er organisation, och angripare kan försöka gissa lösenord. Över UDP (CLDAP) kan tjänsten missbrukas för att förstärka överbelastningsattacker (DDoS) många gånger om.",
            actions: &[
                "Blockera LDAP mot internet (TCP och UDP 389, TCP 636 och 3268–3269).",
                "En domänkontrollant ska aldrig vara direkt nåbar från internet. Ta reda på varför den är det, och fråga er IT-leverantör om ni inte vet.",
                "Stäng av anonyma frågor och kräv signering och kryptering.",
            ],
            reference: doc!("open-ldap-tcp-report/"),
        },
        en: Advice {
            title: "Directory service (LDAP) reachable from the internet",
            what: "A server of yours, often an Active Directory domain controller, answers LDAP from the internet. LDAP is the protocol for querying a directory of users, computers and groups.",
            why: "With the wrong settings anyone can read information about your organisation, and attackers can try to guess passwords. Over UDP (CLDAP) the service can be misused to amplify denial-of-service (DDoS) attacks many times over.",
            actions: &[
                "Block LDAP to the internet (TCP and UDP 389, TCP 636 and 3268–3269).",
                "A domain controller should never be directly reachable from the internet. Find out why it is, and ask your IT supplier if you do not know.",
                "Turn off anonymous queries and require signing and encryption.",
            ],
            reference: doc!("open-ldap-tcp-report/"),
        },
    },
    Entry {
        key: "scan_ipmi",
        types: &["scan_ipmi"],
        sv: Advice {
            title: "Serverns inbyggda fjärrstyrning (IPMI) nåbar från internet",
            what: "En server hos er visar sin inbyggda fjärrstyrning (IPMI, även kallad BMC, iDRAC eller iLO) mot internet. Med den kan man styra servern, även när den är avstängd.",
            why: "Den som kommer in i fjärrstyrningen har full kontroll över servern. IPMI har kända brister som låter en angripare få ut lösenordens hashvärden, och standardlösenord är vanliga.",
            actions: &[
                "Flytta fjärrstyrningen till ett separat administrationsnät och blockera den mot internet (bland annat UDP 623).",
                "Byt standardlösenord och uppdatera fjärrstyrningens programvara (firmware).",
                "Gå igenom loggarna efter okända inloggningar.",
                "Fråga er driftleverantör om det är deras server.",
            ],
            reference: doc!("open-ipmi-report/"),
        },
        en: Advice {
            title: "Server's built-in remote management (IPMI) reachable from the internet",
            what: "A server of yours exposes its built-in remote management (IPMI, also called BMC, iDRAC or iLO) to the internet. It lets you control the server, even when it is switched off.",
            why: "Whoever gets into the remote management has full control over the server. IPMI has known flaws that let an attacker obtain password hashes, and default passwords are common.",
            actions: &[
                "Move the remote management to a separate management network and block it to the internet (UDP 623 among others).",
                "Change default passwords and update the remote management's software (firmware).",
                "Check the logs for unknown logins.",
                "Ask your operations provider if it is their server.",
            ],
            reference: doc!("open-ipmi-report/"),
        },
    },
    Entry {
        key: "scan_cwmp",
        types: &["scan_cwmp"],
        sv: Advice {
            title: "Routerns fjärrhantering (TR-069) nåbar från internet",
            what: "En router eller ett modem hos er svarar på CWMP (även kallat TR-069), det protokoll som internetleverantörer använder för att fjärrstyra kundernas utrustning.",
            why: "Tjänsten ska bara kunna nås från leverantörens hanteringssystem. Brister i den har använts för att ta över hundratusentals routrar på en gång.",
            actions: &[
                "Ta reda på om utrustningen är er egen eller internetleverantörens. Är den leverantörens: be dem åtgärda det.",
                "Uppdatera routerns programvara.",
                "Begränsa tjänsten så att bara leverantörens hanteringssystem kan nå den, eller stäng av den om den inte används.",
            ],
            reference: doc!("open-cwmp-report/"),
        },
        en: Advice {
            title: "Router remote management (TR-069) reachable from the internet",
            what: "A router or modem of yours answers on CWMP (also called TR-069), the protocol internet providers use to manage their customers' equipment remotely.",
            why: "The service should be reachable only from the provider's management system. Flaws in it have been used to take over hundreds of thousands of routers at once.",
            actions: &[
                "Find out whether the equipment is yours or your internet provider's. If it is the provider's, ask them to fix it.",
                "Update the router's software.",
                "Restrict the service so that only the provider's management system can reach it, or turn it off if it is not used.",
            ],
            reference: doc!("open-cwmp-report/"),
        },
    },
    Entry {
        key: "scan_http_proxy",
        types: &["scan_http_proxy", "scan_socks"],
        sv: Advice {
            title: "Öppen proxyserver",
            what: "En server eller enhet hos er skickar vidare trafik åt vem som helst på internet (en öppen proxy, via HTTP eller SOCKS). Ofta är det en felinställning eller en enhet som har tagits över.",
            why: "Angripare och bedragare använder öppna proxyservrar för att dölja var de kommer ifrån. Brott och angrepp ser då ut att komma från er adress, och adressen kan hamna på spärrlistor.",
            actions: &[
                "Ta reda på vilken enhet det är och om den ska vara en proxy.",
                "Om den ska vara det: släpp bara fram era egna användare, med inloggning eller begränsning till era adresser.",
                "Om den inte ska vara det: stäng tjänsten och undersök om enheten har angripits.",
            ],
            reference: doc!("open-http-proxy-report/"),
        },
        en: Advice {
            title: "Open proxy server",
            what: "A server or device of yours relays traffic for anyone on the internet (an open proxy, over HTTP or SOCKS). This is often a misconfiguration or a device that has been taken over.",
            why: "Attackers and fraudsters use open proxies to hide where they come from. Crimes and attacks then appear to come from your address, and the address may end up on blocklists.",
            actions: &[
                "Find out which device it is and whether it is meant to be a proxy.",
                "If it is, let through only your own users, with a login or a restriction to your addresses.",
                "If it is not, turn the service off and check whether the device has been taken over.",
            ],
            reference: doc!("open-http-proxy-report/"),
        },
    },
    Entry {
        key: "scan_ipp",
        types: &["scan_ipp"],
        sv: Advice {
            title: "Skrivare nåbar från internet",
            what: "En skrivare eller skrivarserver hos er tar emot utskrifter och frågor från internet via IPP, protokollet för utskrift över nätverk.",
            why: "Vem som helst kan skriva ut på den, läsa uppgifter om den och ibland ändra inställningar. Skrivarprogramvara har ofta säkerhetsluckor, och skrivaren kan bli en väg in i ert nät.",
            actions: &[
                "Blockera IPP (TCP 631) och andra skrivarportar, till exempel TCP 9100, mot internet.",
                "Ta reda på varför skrivaren är direkt nåbar. Den ska bara kunna nås från ert interna nät.",
                "Uppdatera skrivarens programvara och byt standardlösenordet till dess administration.",
            ],
            reference: doc!("open-ipp-report/"),
        },
        en: Advice {
            title: "Printer reachable from the internet",
            what: "A printer or print server of yours accepts print jobs and queries from the internet over IPP, the protocol for printing across a network.",
            why: "Anyone can print on it, read details about it and sometimes change settings. Printer software often has security flaws, and the printer can become a way into your network.",
            actions: &[
                "Block IPP (TCP 631) and other printer ports, such as TCP 9100, to the internet.",
                "Find out why the printer is directly reachable. It should be reachable only from your internal network.",
                "Update the printer's software and change the default password of its administration.",
            ],
            reference: doc!("open-ipp-report/"),
        },
    },
    Entry {
        key: "scan_chargen",
        types: &[
            "scan_chargen",
            "scan_qotd",
            "scan_portmapper",
            "scan_mdns",
            "scan_ws_discovery",
            "scan_ubiquiti",
            "scan_coap",
            "scan_slp",
            "scan_dvr_dhcpdiscover",
        ],
        sv: Advice {
            title: "Tjänst som kan missbrukas för överbelastningsattacker",
            what: "En enhet hos er svarar från internet på en tjänst som är föråldrad eller bara är tänkt för det lokala nätet, till exempel Chargen, QOTD, Portmapper, mDNS, WS-Discovery, SLP, CoAP eller en tjänst för att hitta enheter. Sådana tjänster svarar på små frågor med stora svar.",
            why: "Angripare förfalskar avsändaradressen och får er enhet att skicka stora mängder trafik mot ett offer, en så kallad förstärkt överbelastningsattack (DDoS). Svaren avslöjar också uppgifter om enheten, och er egen förbindelse kan bli överbelastad.",
            actions: &[
                "Ta reda på vilken enhet det är. Bilagan (CSV-filen) visar tjänst och port.",
                "Stäng av tjänsten om den inte behövs, eller blockera porten mot internet i brandväggen.",
                "Uppdatera enhetens programvara.",
                "Fråga er internet- eller IT-leverantör om det är deras utrustning.",
            ],
            reference: doc!("open-chargen-report/"),
        },
        en: Advice {
            title: "Service that can be misused for denial-of-service attacks",
            what: "A device of yours answers from the internet on a service that is obsolete or meant only for the local network, such as Chargen, QOTD, Portmapper, mDNS, WS-Discovery, SLP, CoAP or a device-discovery service. Such services answer small questions with large answers.",
            why: "Attackers forge the sender address and make your device send large amounts of traffic at a victim, a so-called amplified denial-of-service (DDoS) attack. The answers also reveal details about the device, and your own connection may be flooded.",
            actions: &[
                "Find out which device it is. The attachment (the CSV file) shows the service and port.",
                "Turn the service off if it is not needed, or block the port to the internet in your firewall.",
                "Update the device's software.",
                "Ask your internet provider or IT supplier if it is their equipment.",
            ],
            reference: doc!("open-chargen-report/"),
        },
    },
    Entry {
        key: "scan_mqtt",
        types: &["scan_mqtt", "scan_mqtt_anon"],
        sv: Advice {
            title: "Meddelandetjänst för uppkopplade enheter (MQTT) nåbar från internet",
            what: "En server hos er svarar på MQTT från internet. MQTT används av sensorer, smarta hem och andra uppkopplade enheter för att skicka mätvärden och kommandon.",
            why: "Utan inloggning eller kryptering kan vem som helst läsa meddelandena och skicka egna kommandon till enheterna. Rapporten om anonym MQTT betyder att ingen inloggning krävs.",
            actions: &[
                "Kräv inloggning och stäng av anonym åtkomst.",
                "Använd kryptering (MQTT över TLS, oftast port 8883) i stället för okrypterad trafik på port 1883.",
                "Begränsa åtkomsten från internet till de enheter och system som behöver den.",
            ],
            reference: doc!("open-mqtt-report/"),
        },
        en: Advice {
            title: "Message service for connected devices (MQTT) reachable from the internet",
            what: "A server of yours answers MQTT from the internet. MQTT is used by sensors, smart homes and other connected devices to send readings and commands.",
            why: "Without login or encryption, anyone can read the messages and send their own commands to the devices. The anonymous-MQTT report means that no login is required.",
            actions: &[
                "Require a login and turn off anonymous access.",
                "Use encryption (MQTT over TLS, usually port 8883) instead of unencrypted traffic on port 1883.",
                "Restrict access from the internet to the devices and systems that need it.",
            ],
            reference: doc!("open-mqtt-report/"),
        },
    },
    Entry {
        key: "scan_adb",
        types: &["scan_adb"],
        sv: Advice {
            title: "Android-enhet öppen för fjärrstyrning (ADB)",
            what: "En Android-enhet hos er, till exempel en tv-box, informationsskärm eller surfplatta, har felsökningsläget ADB (Android Debug Bridge) öppet mot internet.",
            why: "ADB ger full kontroll över enheten utan lösenord. Sådana enheter tas över automatiskt och används i botnät och för att bryta kryptovaluta.",
            actions: &[
                "Stäng av felsökning (USB- och nätverksfelsökning) i enhetens utvecklarinställningar.",
                "Blockera TCP 5555 mot internet.",
                "Återställ enheten till fabriksinställningar, eftersom den redan kan vara angripen.",
                "Byt ut enheter som levereras med ADB påslaget och inte går att stänga av.",
            ],
            reference: doc!("accessible-adb-report/"),
        },
        en: Advice {
            title: "Android device open to remote control (ADB)",
            what: "An Android device of yours, such as a TV box, information display or tablet, has its debugging mode ADB (Android Debug Bridge) open to the internet.",
            why: "ADB gives full control of the device without a password. Such devices are taken over automatically and used in botnets and to mine cryptocurrency.",
            actions: &[
                "Turn off debugging (USB and network debugging) in the device's developer settings.",
                "Block TCP 5555 to the internet.",
                "Reset the device to factory settings, as it may already have been taken over.",
                "Replace devices that ship with ADB turned on and cannot turn it off.",
            ],
            reference: doc!("accessible-adb-report/"),
        },
    },
    Entry {
        key: "scan_cisco_smart_install",
        types: &["scan_cisco_smart_install"],
        sv: Advice {
            title: "Cisco-utrustning med Smart Install nåbar från internet",
            what: "En switch eller router från Cisco hos er har funktionen Smart Install påslagen och nåbar från internet. Funktionen är till för att installera nya enheter automatiskt och kräver ingen inloggning.",
            why: "Den som når tjänsten kan läsa och ändra enhetens inställningar och programvara, och alltså ta över den. Funktionen har utnyttjats i stor skala, bland annat av statliga aktörer.",
            actions: &[
                "Stäng av Smart Install med kommandot ”no vstack” om den inte används.",
                "Blockera TCP 4786 mot internet.",
                "Kontrollera att inställningarna inte har ändrats, och uppdatera programvaran.",
                "Fråga er nätverksleverantör om hjälp.",
            ],
            reference: doc!("accessible-cisco-smart-install-report/"),
        },
        en: Advice {
            title: "Cisco equipment with Smart Install reachable from the internet",
            what: "A Cisco switch or router of yours has the Smart Install feature turned on and reachable from the internet. The feature is meant for installing new devices automatically and requires no login.",
            why: "Whoever reaches the service can read and change the device's settings and software, and so take it over. The feature has been exploited on a large scale, including by state actors.",
            actions: &[
                "Turn off Smart Install with the command \"no vstack\" if it is not used.",
                "Block TCP 4786 to the internet.",
                "Check that the settings have not been changed, and update the software.",
                "Ask your network supplier for help.",
            ],
            reference: doc!("accessible-cisco-smart-install-report/"),
        },
    },
    Entry {
        key: "malware_url",
        types: &["malware_url"],
        sv: Advice {
            title: "Skadlig kod sprids från en av era adresser",
            what: "En webbadress på en av era servrar har använts för att sprida skadlig kod. Bilagan (CSV-filen) visar webbadressen och en kontrollsumma som identifierar filen.",
            why: "Servern är troligen angripen, eller så har ett konto eller en funktion för uppladdning missbrukats. Besökare som hämtar filen kan bli infekterade, och adressen kan hamna på spärrlistor.",
            actions: &[
                "Ta bort filen och ta reda på hur den kom dit.",
                "Uppdatera webbplatsens programvara och tillägg, och byt lösenord.",
                "Undersök servern efter fler spår av intrång.",
                "Kontakta webbhotellet eller webbyrån om de driver servern.",
            ],
            reference: doc!("malware-url-report/"),
        },
        en: Advice {
            title: "Malicious software is spread from one of your addresses",
            what: "A web address on one of your servers has been used to spread malicious software. The attachment (the CSV file) shows the web address and a checksum that identifies the file.",
            why: "The server has probably been attacked, or an account or upload function has been misused. Visitors who download the file may be infected, and the address may end up on blocklists.",
            actions: &[
                "Remove the file and find out how it got there.",
                "Update the website's software and plugins, and change passwords.",
                "Examine the server for more traces of a break-in.",
                "Contact your hosting provider or web agency if they run the server.",
            ],
            reference: doc!("malware-url-report/"),
        },
    },
    Entry {
        key: "scan_radmin",
        types: &["scan_radmin", "scan_ard"],
        sv: Advice {
            title: "Program för fjärrstyrning nåbart från internet",
            what: "En dator hos er kör ett program för fjärrstyrning, Radmin eller Apple Remote Desktop, som svarar från internet.",
            why: "Den som kommer in kan styra datorn helt. Angripare letar efter sådana program och provar lösenord, och bedragare och utpressningsgrupper använder dem ofta.",
            actions: &[
                "Blockera programmets port mot internet (Radmin oftast TCP 4899, Apple Remote Desktop TCP 3283 och 5900).",
                "Låt fjärrstyrning gå via VPN (en krypterad tunnel in till ert nät) med tvåfaktorsinloggning.",
                "Om ingen vet varför programmet finns: ta bort det och undersök datorn.",
            ],
            reference: doc!("accessible-radmin-report/"),
        },
        en: Advice {
            title: "Remote-control program reachable from the internet",
            what: "A computer of yours runs a remote-control program, Radmin or Apple Remote Desktop, that answers from the internet.",
            why: "Whoever gets in can control the computer completely. Attackers look for such programs and try passwords, and fraudsters and ransomware groups often use them.",
            actions: &[
                "Block the program's port to the internet (Radmin usually TCP 4899, Apple Remote Desktop TCP 3283 and 5900).",
                "Route remote control through a VPN (an encrypted tunnel into your network) with two-factor login.",
                "If nobody knows why the program is there, remove it and examine the computer.",
            ],
            reference: doc!("accessible-radmin-report/"),
        },
    },
    Entry {
        key: "event4_ip_spoofer",
        types: &["event4_ip_spoofer"],
        sv: Advice {
            title: "Ert nät släpper ut trafik med förfalskade avsändaradresser",
            what: "Tester visar att ert nät släpper ut trafik till internet med avsändaradresser som inte hör till er (förfalskade adresser).",
            why: "Förfalskade avsändaradresser är det som gör förstärkta överbelastningsattacker (DDoS) möjliga. Ett nät som släpper ut sådan trafik kan användas i attacker mot andra.",
            actions: &[
                "Filtrera utgående trafik i routrarna mot internet, så att bara era egna adressblock får lämna nätet (källadresskontroll enligt BCP 38).",
                "Om ni är internetleverantör: filtrera även trafiken från era kunder.",
                "Fråga er internetleverantör om hjälp om de sköter nätet åt er.",
            ],
            reference: doc!("ip-spoofer-events-report/"),
        },
        en: Advice {
            title: "Your network lets out traffic with forged sender addresses",
            what: "Tests show that your network lets traffic out to the internet with sender addresses that do not belong to you (forged addresses).",
            why: "Forged sender addresses are what make amplified denial-of-service (DDoS) attacks possible. A network that lets such traffic out can be used in attacks on others.",
            actions: &[
                "Filter outgoing traffic in your routers towards the internet, so that only your own address blocks can leave the network (source address validation, BCP 38).",
                "If you are an internet provider, filter your customers' traffic too.",
                "Ask your internet provider for help if they run the network for you.",
            ],
            reference: doc!("ip-spoofer-events-report/"),
        },
    },
    Entry {
        key: "scan_post_exploitation_framework",
        types: &["scan_post_exploitation_framework"],
        sv: Advice {
            title: "Styrserver för ett intrångsverktyg på en av era adresser",
            what: "En server på en av era adresser kör styrservern för ett intrångsverktyg, till exempel Cobalt Strike. Sådana verktyg används av säkerhetstestare, men också av angripare för att styra datorer de har tagit sig in i.",
            why: "Om det inte är ett beställt säkerhetstest har någon troligen tagit över servern eller hyr den för att angripa andra. Det kan också betyda att era egna datorer styrs härifrån.",
            actions: &[
                "Kontrollera om någon hos er eller er leverantör gör ett beställt säkerhetstest.",
                "Om inte: isolera servern, och spara loggar och en kopia av disken innan ni rensar den.",
                "Kontakta CERT-SE så snart som möjligt.",
                "Om ni hyr ut servrar till kunder: stäng kundens tjänst enligt era villkor.",
            ],
            reference: doc!("post-exploitation-framework/"),
        },
        en: Advice {
            title: "Control server of an intrusion tool on one of your addresses",
            what: "A server on one of your addresses runs the control server of an intrusion tool, such as Cobalt Strike. Security testers use such tools, but so do attackers, to control computers they have broken into.",
            why: "Unless it is a commissioned security test, someone has probably taken over the server or rents it to attack others. It may also mean that your own computers are controlled from here.",
            actions: &[
                "Check whether anyone in your organisation or at your supplier is running a commissioned security test.",
                "If not, isolate the server, and keep its logs and a copy of its disk before you clean it.",
                "Contact CERT-SE as soon as possible.",
                "If you rent out servers to customers, shut down the customer's service under your terms.",
            ],
            reference: doc!("post-exploitation-framework/"),
        },
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_parse() {
        assert_eq!(Language::parse("sv"), Some(Language::Sv));
        assert_eq!(Language::parse(" EN "), Some(Language::En));
        assert_eq!(Language::parse("sv-SE"), Some(Language::Sv));
        assert_eq!(Language::parse("en_GB"), Some(Language::En));
        assert_eq!(Language::parse("de"), None);
        assert_eq!(Language::parse(""), None);
        assert_eq!("sv".parse::<Language>(), Ok(Language::Sv));
        assert!("svenska".parse::<Language>().is_err());
        assert_eq!(Language::Sv.as_str(), "sv");
        assert_eq!(Language::En.to_string(), "en");
    }

    #[test]
    fn exact_alias_twin_and_family() {
        assert_eq!(advice_key("scan_rdp"), Some("scan_rdp"));
        assert_eq!(advice_key(" SCAN_RDP "), Some("scan_rdp"));
        assert_eq!(advice_key("scan_rdpeudp"), Some("scan_rdp"));
        assert_eq!(advice_key("scan6_rdp"), Some("scan_rdp"));
        assert_eq!(advice_key("scan_postgres"), Some("scan_mysql"));
        assert_eq!(advice_key("scan6_postgres"), Some("scan_mysql"));
        assert_eq!(advice_key("dns_openresolver"), Some("scan_dns"));
        assert_eq!(advice_key("event6_sinkhole_http"), Some("event4_sinkhole_http"));
        assert_eq!(advice_key("event6_sinkhole_http_referer"), Some("event4_sinkhole_http_referer"));
        assert_eq!(advice_key("device_id6"), Some("device_id"));
        assert_eq!(advice_key("compromised_website6"), Some("compromised_website"));
        // Families: names that do not exist today but follow the pattern.
        assert_eq!(advice_key("event4_honeypot_telnet_scan"), Some("event4_honeypot_http_scan"));
        assert_eq!(advice_key("event4_sinkhole_tls"), Some("event4_sinkhole"));
        assert_eq!(advice_key("event6_microsoft_sinkhole_http"), Some("event4_sinkhole_http"));
        assert_eq!(advice_key("scan_ftp_vulnerable"), Some("scan_*_vulnerable"));
        assert_eq!(advice_key("scan6_ftp_vulnerable"), Some("scan_*_vulnerable"));
        // Generic.
        assert_eq!(advice_key("special"), None);
        assert_eq!(advice_key(""), None);
        assert_eq!(advice_key("6"), None);
        assert_eq!(advice_key("scan6_"), None);
        assert_eq!(advice_key("event4_"), None);
        assert_eq!(advice_key("ä6"), None);
        assert!(std::ptr::eq(advice("special", Language::Sv), generic(Language::Sv)));
        assert!(std::ptr::eq(advice("scan_", Language::En), generic(Language::En)));
    }

    #[test]
    fn a_trailing_six_is_dropped_only_for_advised_stems() {
        // `scan_ssl6` is not a type, but its stem is advised; the rule is
        // about names, so it applies. A stem that is not advised stays generic.
        assert_eq!(advice_key("scan_ssl6"), Some("scan_ssl"));
        assert_eq!(advice_key("special6"), None);
    }

    #[test]
    fn advice_differs_by_language() {
        let sv = advice("scan_rdp", Language::Sv);
        let en = advice("scan_rdp", Language::En);
        assert_eq!(sv.title, "Öppen RDP-tjänst nåbar från internet");
        assert_ne!(sv.title, en.title);
        assert_eq!(sv.reference, en.reference);
    }

    #[test]
    fn keys_are_their_first_type_and_types_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for entry in ENTRIES {
            assert_eq!(entry.types.first(), Some(&entry.key));
            for t in entry.types {
                assert!(seen.insert(*t), "{t} listed twice");
                assert_eq!(advice_key(t), Some(entry.key));
            }
        }
        assert_eq!(advised_types().count(), seen.len());
    }
}
