"""Rule-based detection of red-flag symptoms in a spaCy ``Doc``.

A statistical classifier can miss an emergency worded in a way it never saw,
so urgent symptoms are also recognised by rules over spaCy's tokens and
lemmas. The rules pair a body part or complaint with a warning sign inside one
sentence ("wound" + "leaking", "toes" + "blue"), skip signs that are negated
("no fever", "the wound is not red"), and skip general questions about warning
signs ("what are the signs of infection?") that describe nobody's symptoms.

The red flags are the ones the clinic lists: high fever, a hot, red or leaking
wound, a swollen painful calf, chest pain, breathlessness, sudden severe pain,
a limb that is cold, pale, blue or numb, and a fall on the operated leg.

Bangla script and romanized Bangla go through the same rules: their words are
glossed with the English concept words ("জ্বর", "jor" -> "fever"; "পড়ে গেছে",
"pore geche" -> "fell"), after the stem of an inflected Bangla word is found
("সেলাইয়ের" -> "সেলাই"). What English does not have is handled on top: negation
that follows the word ("জ্বর নেই", "lal na", "fule nai"), inability ("শ্বাস
নিতে পারছে না": cannot breathe), and Bangla ways of asking in general
("জ্বর হলে কী করব?", "কী কী লক্ষণ দেখলে...") rather than reporting.
Romanized words that are also English ("pa", "hat", "hole") count only in a
sentence that is otherwise Bangla.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Dict, FrozenSet, Iterable, List, Sequence, Set

from spacy.tokens import Doc, Span, Token

from bot.nlu.bangla import bangla_stems, has_bangla, normalise_word
from bot.nlu.language import ROMANIZED_STRONG, ROMANIZED_WORDS
from bot.privacy import to_ascii_digits

HIGH_FEVER = "high_fever"
WOUND_PROBLEM = "wound_problem"
CALF_SWELLING = "calf_swelling"
CHEST_PAIN = "chest_pain"
BREATHLESSNESS = "breathlessness"
SEVERE_PAIN = "sudden_severe_pain"
LIMB_CIRCULATION = "cold_pale_or_numb_limb"
FALL_AFTER_SURGERY = "fall_on_operated_leg"


def _words(text: str) -> FrozenSet[str]:
    return frozenset(text.split())


# Each concept is a set of lower-cased words or lemmas.
FEVER = _words("fever feverish temperature temp febrile pyrexia")
MILD = _words("mild slight low little")
HIGH = _words("high very severe bad raging burning spiking spike persistent")
SHIVERING = _words("shiver shivering chill chills rigor rigors shake shaking")
WOUND = _words(
    "wound incision stitch stitches suture sutures scar dressing dressings "
    "bandage staple staples site"
)
# Fluid coming out: a warning sign on a wound and also through a cast.
DRAINAGE_SIGN = _words(
    "leak leaking leaks ooze oozing oozes pus pussy discharge discharging drain "
    "draining fluid smell smelly smells stink stinks stinking foul bleed bleeding "
    "bleeds blood bloody bled"
)
WOUND_SIGN = DRAINAGE_SIGN | _words(
    "red redness hot warm open opened opening gape gaping split yellow green "
    "infected infection swollen swelling inflamed streak streaks burst"
)
CALF = _words("calf calves shin")
LEG = _words("leg legs thigh")
SWELLING_SIGN = _words(
    "swollen swell swelling swelled puffy puffed tender painful pain hurt hurts "
    "hurting sore red hot hard tight"
)
CLOT = _words("clot clots dvt thrombosis")
CHEST = _words("chest")
CHEST_SIGN = _words("pain painful hurt hurts hurting ache aching tight tightness pressure heavy")
BREATH = _words("breathe breathing breath breathes")
SHORT = _words("short shortness")
BREATH_TROUBLE = _words(
    "difficulty difficult trouble struggle struggling hard problem problems "
    "unable labored laboured heavy fast gasping"
)
BREATHLESS = _words("breathless breathlessness gasp gasping suffocating choking")
PAIN = _words("pain painful hurt hurts hurting ache agony")
SUDDEN = _words("sudden suddenly abrupt abruptly")
SEVERE = _words("severe unbearable terrible excruciating extreme intense worst horrible awful")
UNBEARABLE = _words("unbearable excruciating agony screaming")
LIMB = _words("leg legs foot feet toe toes limb limbs ankle ankles knee hand finger fingers")
CIRCULATION_SIGN = _words(
    "cold pale white blue bluish purple purplish grey gray numb numbness "
    "tingling dead lifeless blackened"
)
FEEL_OR_MOVE = _words("feel move wiggle")
FALL = _words("fall fell fallen falling trip tripped collapse collapsed")
# "slipped on the floor" is a fall; "a slipped disc" or "the kneecap slips out" is not.
SLIP = _words("slip slipped slipping slips")
NOT_A_FALL_AFTER_SLIP = _words("disc disk out off")
CAST = _words("cast spica plaster")
TIGHT = _words("tight tighter squeeze squeezing")
OPERATION = _words("operation surgery surgical op osteotomy dfo vro vdo")
AFTER = _words("after since post following had")
# Words that on their own place a message after an operation.
POST_OP = _words(
    "operated postop post-op cast spica plate nail screw screws stitch stitches " "discharged"
)
NEGATION = _words("no not n't never without nothing none denies")
PERSONAL = _words(
    "i i'm im me my mine we our he him his she her they them their son daughter "
    "child kid baby boy girl mother mom mum father dad husband wife brother "
    "sister wife patient"
) | frozenset(
    normalise_word(word)
    for word in (
        "আমার আমি আমাকে আমাদের আমরা ছেলে ছেলের ছেলেটা মেয়ে মেয়ের মেয়েটা বাচ্চা "
        "বাচ্চার বাচ্চাটা বাবা বাবার মা মায়ের আম্মু আম্মুর আব্বু আব্বুর আম্মা আব্বা "
        "ওর ওনার উনার উনি তার তাঁর রোগী রোগীর ভাই ভাইয়ের বোন বোনের স্বামী স্বামীর "
        "বউ বউয়ের স্ত্রী স্ত্রীর নানী নানু দাদী দাদু "
        "ami amar amr amake amk amader amra chele cheler chhele chheler meye meyer "
        "baccha bacchar bachcha bachchar bacha bachar baba babar ma mayer maa ammu "
        "ammur abbu abbur amma abba onar unar uni tar rogi rogir bhai vai bon "
        "shami sami bou stri nani nanu dadi dadu"
    ).split()
)
# A sentence opening with one of these asks about what might happen...
HYPOTHETICAL_START = _words("can could will would should may might")
ASKING_FOR_HELP = _words("you u someone somebody anyone anybody")
# ...with one of these, it is general unless it names someone ("is his wound red?").
QUESTION_START = _words("does do is are what why how when")
# Cues that a sentence asks about warning signs in general rather than
# describing someone's symptoms now.
_GENERAL_QUESTION = re.compile(
    r"\b(warning signs?|signs? of|symptoms? of|risks? of|chances? of|"
    r"complications?|what (?:are|is) the signs?)\b",
    re.IGNORECASE,
)
_LOWER_LEG = re.compile(
    r"\b(lower leg|back of (?:the |my |his |her |your )?(?:lower )?legs?)\b", re.IGNORECASE
)
_NEGATION_WINDOW = 3


# --- Bangla script and romanized Bangla -------------------------------------
#
# Each entry: English concept words (as in the sets above), then the Bangla
# or romanized forms that mean them. Spelling variants are listed; romanized
# words of four letters or more also match at one edit ("gorm" -> "gorom").


def _gloss_table(entries: Sequence[tuple]) -> Dict[str, FrozenSet[str]]:
    table: Dict[str, Set[str]] = {}
    for glosses, forms in entries:
        for form in forms.split():
            table.setdefault(normalise_word(form), set()).update(glosses.split())
    return {form: frozenset(glosses) for form, glosses in table.items()}


BANGLA_GLOSSES = _gloss_table(
    [
        ("fever", "জ্বর জর জ্বোর জ্বরজ্বর জ্বরভাব"),
        ("temperature", "তাপমাত্রা টেম্পারেচার তাপ"),
        ("intensely", "খুব খুবই অনেক বেশি বেশী প্রচুর অত্যধিক অতিরিক্ত"),
        ("persistent", "একটানা সারাক্ষণ"),
        ("mild", "হালকা হাল্কা অল্প একটু সামান্য অল্পস্বল্প"),
        ("severe high", "প্রচণ্ড প্রচন্ড প্রচন্দ তীব্র ভীষণ ভীষন মারাত্মক মারাত্বক ভয়ানক ভয়ংকর"),
        ("unbearable", "অসহ্য অসহনীয়"),
        ("screaming", "চিৎকার চিল্লাচ্ছে চেঁচাচ্ছে চিল্লায়"),
        ("shivering", "কাঁপুনি কাঁপছে কাঁপে কাপুনি কাপছে কাঁপিয়ে কাঁপুনিসহ"),
        ("wound", "ক্ষত ক্ষতস্থান ঘা ঘায়ে ঘায়ের কাটা ইনসিশন ড্রেসিং ব্যান্ডেজ"),
        ("scar", "দাগ"),
        ("wound stitch", "সেলাই শেলাই সেলাইয়ে সেলাইয়ের স্টিচ"),
        ("red", "লাল লালচে লালভাব লালাভ"),
        ("hot", "গরম উষ্ণ"),
        ("pus", "পুঁজ পুজ পূঁজ পুঁয পুঁজের"),
        ("fluid", "রস তরল"),
        ("blood bleeding", "রক্ত রক্তপাত রক্তক্ষরণ"),
        ("smell", "গন্ধ দুর্গন্ধ"),
        ("yellow", "হলুদ হলদে"),
        ("green", "সবুজ"),
        ("infection", "ইনফেকশন ইনফেকশান ইনফেক্শন সংক্রমণ পেকে পেকেছে পাকছে পুঁজভর্তি"),
        ("discharge", "বেরোচ্ছে বেরুচ্ছে বেরিয়ে বেরিয়েছে বেরোয় গড়াচ্ছে চুঁইয়ে"),
        ("split", "ফেটে ফাঁক"),
        ("swollen", "ফুলে ফোলা ফুলা ফুলেছে ফুলছে ফোলে ফোলাভাব ফুলো ফুলেছিল ফুইলা ফুইলে"),
        ("hard", "শক্ত"),
        ("tender", "টনটন টনটনে"),
        ("tight", "টাইট আঁটসাঁট"),
        ("calf", "কাফ গোছা গোছায় গোছার"),
        ("clot", "জমাট"),
        ("chest", "বুক বুকে বুকের বুকটা"),
        ("pain", "ব্যথা ব্যাথা বেথা ব্যথ্যা বাথা ব্যেথা বেদনা যন্ত্রণা যন্ত্রনা ব্যথায় ব্যাথায় ব্যথাটা"),
        ("pressure", "চাপ"),
        ("heavy", "ভারী ভারি"),
        ("difficulty pressure", "কষ্ট কস্ট কষ্টো"),
        ("breath", "শ্বাস স্বাস শাস সাস শ্বাশ স্বাশ নিঃশ্বাস নিশ্বাস নিস্বাস নিশাস নিঃস্বাস শ্বাসপ্রশ্বাস দম"),
        ("breathless", "শ্বাসকষ্ট স্বাসকষ্ট শাসকষ্ট সাসকষ্ট শ্বাসকস্ট হাঁপানি হাঁপাচ্ছে হাপাচ্ছে হাঁপায় হাঁসফাঁস হাসফাস"),
        ("sudden", "হঠাৎ হঠাত হটাৎ হটাত হঠাত্ আচমকা হুট"),
        ("leg", "পা পায়ে পায়ের পাটা পায়েরটা উরু উরুতে"),
        ("toe", "আঙুল আঙ্গুল আঙুলগুলো আঙুলে আঙ্গুলে আঙুলের"),
        ("hand", "হাত হাতে হাতের"),
        ("knee", "হাঁটু হাটু হাঁটুর হাটুর হাঁটুতে"),
        ("ankle", "গোড়ালি গোড়ালিতে"),
        ("cold", "ঠান্ডা ঠাণ্ডা টান্ডা ঠান্ডা"),
        ("pale", "ফ্যাকাশে ফ্যাকাসে ফেকাসে ফেকাশে ফ্যাকাশ সাদাটে"),
        ("white", "সাদা"),
        ("blue", "নীল নিল নীলচে নীলাভ"),
        ("purple", "বেগুনি বেগুনী"),
        ("blackened", "কালো কালচে"),
        ("numb", "অবশ অবস অসাড় ঝিনঝিন ঝিঁঝিঁ ঝিঝি"),
        ("feel", "টের অনুভব অনুভূতি বোধ সাড় সাড়া"),
        ("move", "নাড়াতে নাড়া নড়াতে নাড়াচাড়া নড়াচড়া নাড়ছে নড়ছে নাড়ায় নড়ে"),
        ("bear", "সহ্য"),
        ("tripped", "হোঁচট হোচট"),
        ("slipped", "পিছলে পিছলিয়ে"),
        ("fell", "পড়েছে পড়েছিল পড়েছিলো"),
        ("operation", "অপারেশন অপারেশান অপারেসন অপরেশন অপারেশনের সার্জারি সার্জারী অস্ত্রোপচার অস্ত্রপচার"),
        ("cast plaster", "প্লাস্টার কাস্ট"),
        ("plate", "প্লেট রড"),
        ("screw", "স্ক্রু"),
    ]
)

ROMANIZED_GLOSSES = _gloss_table(
    [
        ("fever", "jor jwor jwar jwr zor zwor jorer jworer jorr"),
        ("temperature", "tapmatra temparature temperatur tempareture"),
        ("intensely", "khub khubi onek onk beshi besi bishi prochur"),
        ("persistent", "ektana"),
        ("mild", "halka alpo olpo ektu samanno shamanno"),
        (
            "severe high",
            "prochondo procondo prochando prochondo tibro tebro bhishon vishon vison "
            "bhison marattok marattmok voyanok bhoyanok",
        ),
        ("unbearable", "osojjo oshojjo osohho oshohho osojho osojjho oshojjho oshohyo osojja"),
        ("screaming", "chitkar chillacche chilacche chillasse chillaitese"),
        ("shivering", "kapuni kapche kaapche kapse kampche kanpche kapchhe kaptese"),
        ("wound", "kata katar khoto khot kshot ghaa ghao"),
        ("wound stitch", "selai selaier selaiye selaite"),
        ("red", "lal laal lalche lalcha"),
        ("hot", "gorom garam gorm"),
        ("pus", "puj puuj pooj puz pujj"),
        ("fluid", "rosh ros"),
        ("blood bleeding", "rokto rokt rakto roktopat"),
        ("smell", "gondho gondo durgondho durgondo"),
        ("yellow", "holud"),
        ("green", "sobuj shobuj"),
        ("infection", "infeksan infekshon infecson peke pekeche pekse"),
        ("discharge", "berocche beroche berochhe beruchhe beruche beriye beriyeche"),
        (
            "swollen",
            "fule fula fola phule phula phola fulse fulche fuleche fulese fulechhe "
            "fulesey foila fuila",
        ),
        ("hard", "shokto sokto shakto"),
        ("tender", "tonton"),
        ("calf", "gocha gochha gosa kaf gochay gochar"),
        ("clot", "jomat jomaat"),
        ("chest", "buk buke buker bukta"),
        (
            "pain",
            "betha batha bytha byatha baytha bedona jontrona bethay bathay bethar bathar "
            "bethata",
        ),
        ("heavy", "vari bhari"),
        ("difficulty pressure", "kosto koshto kashto kasto kostho kost"),
        (
            "breath",
            "shash shas swas shwash shwas nisshash nissash nishash nisas "
            "nisshas nishshash nissas",
        ),
        (
            "breathless",
            "shashkosto shaskosto sashkosto swaskosto shwaskosto hapani hapacche "
            "hapache hapasse hapaitese",
        ),
        ("sudden", "hothat hotat hothath hotath hothaat hotad hothad achomka achmka"),
        ("leg", "pae paye payer paer paa"),
        ("toe", "angul angool anggul angule"),
        ("knee", "hatu hatur hantu hantur hatute"),
        ("ankle", "gorali"),
        ("cold", "thanda thnda tanda"),
        ("pale", "fakashe fakase fekashe fekase"),
        ("white", "sada shada"),
        ("blue", "nilche"),
        ("purple", "beguni"),
        ("blackened", "kalo"),
        ("numb", "obosh obos abosh ojhin jhinjhin jhijhi jhiji osar oshar"),
        ("feel", "onubhob onuvob onubhuti onuvuti bodh"),
        ("move", "nadate narate norate narachara norachora"),
        ("bear", "sojjo shojjo sohhyo sojho sojjho"),
        ("tripped", "hochot hosot hocot"),
        ("slipped", "pichle pisle"),
        ("fell", "porse poreche porechilo porsilo"),
        (
            "operation",
            "oporeshon oparesan opareshon oparation oporation operasion operesan "
            "apareshan operashon sarjari surgari",
        ),
        ("cast plaster", "plastar"),
    ]
)
# Romanized words that are also English words ("pa", "hat", "nil", "dom"):
# glossed only in a sentence that has other Bangla in it.
AMBIGUOUS_ROMANIZED_GLOSSES = _gloss_table(
    [
        ("leg", "pa"),
        ("hand", "hat hath haat"),
        ("blue", "nil nila neel"),
        ("breath", "dom sash swash"),
        ("pressure", "chap"),
        ("split", "fete"),
        ("fluid", "ross"),
        ("feel", "ter sar"),
        ("sudden", "hut"),
    ]
)

# Negation after the word: "জ্বর নেই", "lal na", "fule nai", "hoyni".
POST_NEGATION = frozenset(
    normalise_word(word)
    for word in (
        "না নেই নাই নয় নি নাহ হয়নি হয়না হচ্ছেনা লাগছেনা নেইতো নাইতো নাকো "
        "na nai nei noy ni nah nahi hoyni hoini hoyna hoina hocchena hochena hossena "
        "lagchena lagena naito neito"
    ).split()
)
# Words that may stand between a sign and its negation ("lal hoy nai",
# "পুঁজ বা রস বের হচ্ছে না"). Verbs such as "কমছে" (going down) or "যাচ্ছে"
# (going away) are not among them: "জ্বর কমছে না" is a persistent fever.
NEGATION_TRANSPARENT = frozenset(
    normalise_word(word)
    for word in (
        "হয় হচ্ছে হয়ে আছে ছিল ছিলো লাগছে লাগে মনে দেখা দেখছি দেখি বের আর তো ও এখন "
        "এখনো এখনও কোনো কোন একদম একেবারে তেমন বা এবং কিংবা অথবা কিছু নিতে দিতে "
        "পাচ্ছে পাচ্ছি পায় পাই করছে করে করতেছে "
        "hoy hoi hocche hochhe hosse hoye ache ase ashe achhe chilo silo lagche lagtese "
        "lage mone dekha dekhchi dekhi ber ar r to o ekhon ekhono kono kuno ekdom temon "
        "ba othoba kichu kisu nite dite pacche pacchi paitese paitesi pai pay korche "
        "kortese kore"
    ).split()
)
# "পারছে না", "parche na": cannot.
_ABLE_BANGLA_PREFIX = "পার"
# parche, parchi, parse, partese, parteche, parbe, pari, pare, parchen... and
# the same with the negation written on: parchena, parina, partesena.
_ABLE_ROMANIZED = re.compile(
    r"^par(?:[cs]h?h?[ie]n?|t[ae](?:[cs]h?h?|chh?)[ie]n?|tich[ie]|b[eo]n?|i|e|en|lam|lo)"
    r"(na|ni)?$"
)
# Words that report what is happening or has happened ("হয়েছে", "geche",
# "ache"): a sentence with one describes someone now, not a possibility.
REPORTING = frozenset(
    normalise_word(word)
    for word in (
        "হলো হল গেল গেলো উঠল উঠলো পেল দিল দিলো "
        "hoise hoyeche hoyechhe hoiche hoyese hoyse hocche hochhe hosse hoitese hoitase "
        "hoiteche geche gese gechhe giyeche gelo ache ase achhe asche ashche lagche "
        "lagtese lagse lagtase korche kortese korse dekhchi dekhtesi dekhsi porche porse "
        "uthche uthse utheche barche bartese bartase paitese pacche holo hoilo hoyechilo "
        "chilo silo dise diyeche dicche jacche jaitese"
    ).split()
)
# Bangla verb endings of the present continuous and the perfect ("-ছে", "-ছি").
_REPORTING_BANGLA_ENDINGS = tuple(
    normalise_word(ending) for ending in "ছে ছি ছেন ছিল ছিলো ছিলাম ছিলেন".split()
)
_NOT_VERBS = frozenset(normalise_word(word) for word in "কাছে পাছে মাছে".split())
_REPORTING_ROMANIZED_ENDINGS = (
    "che",
    "chhe",
    "cche",
    "sse",
    "tese",
    "tesi",
    "tase",
    "tasi",
    "eche",
    "echi",
    "ise",
    "iche",
)
_ENGLISH_WITH_REPORTING_ENDINGS = _words(
    "ache niche cache cliche creche raise noise wise rise praise exercise otherwise "
    "promise advise surprise arise these cheese obese japanese chinese precise"
)
# Now, help, emergency: a plea, never a general question.
URGENCY = frozenset(
    normalise_word(word)
    for word in (
        "এখন এখনই আজ আজকে সাহায্য জরুরি জরুরী ইমার্জেন্সি তাড়াতাড়ি দ্রুত প্লিজ বাঁচান "
        "ekhon ekhoni akhon aj ajke aaj help sahajjo shahajjo joruri emergency "
        "taratari druto plz pls please"
    ).split()
)
# Asking about warning signs in general: "কী কী লক্ষণ", "ki ki lokkhon".
GENERAL_CUE = frozenset(
    normalise_word(word)
    for word in (
        "লক্ষণ লক্ষন উপসর্গ জটিলতা ঝুঁকি সম্ভাবনা পার্শ্বপ্রতিক্রিয়া "
        "lokkhon lokhon lokkhan lakkhan lokkhon uposorgo jotilota jhuki jhunki "
        "sombhabona shombhabona"
    ).split()
)
# "জ্বর হলে", "pa thanda hoye gele", "jor thakle": if the symptom happens.
CONDITIONAL_AFTER = frozenset(
    normalise_word(word)
    for word in (
        "হলে হইলে গেলে থাকলে দেখলে দিলে লাগলে আসলে পেলে উঠলে বাড়লে "
        "hole hoile holey gele thakle dekhle dile lagle ashle asle pele uthle barle"
    ).split()
)
CONDITIONAL_BEFORE = frozenset(normalise_word(word) for word in "যদি jodi jdi if".split())
# "অপারেশনের পর কি জ্বর হয়?", "jor hobe?": whether a symptom happens.
HABITUAL = frozenset(
    normalise_word(word)
    for word in "হয় হবে হতে থাকে যায় পারে hoy hoi hobe hote thake jay jai pare".split()
)
QUESTION_PARTICLE = frozenset(
    normalise_word(word) for word in "? কি কী নাকি কিনা কেন ki kii naki kina keno".split()
)
# "গরম সেঁক", "thanda pani": the hot or cold thing is put on the leg; the
# leg or the wound is not hot or cold ("পায়ে ঠান্ডা পানি দেওয়া যাবে?").
APPLIED = frozenset(
    normalise_word(word)
    for word in (
        "পানি পানিতে সেঁক সেক ছ্যাঁক ভাপ বরফ কাপড় তেল খাবার দুধ "
        "pani panite sek shek chek vap bhap borof borf kapor tel khabar dudh"
    ).split()
)
# "অপারেশনের পর", "operation er por", "operation hoise": after an operation.
AFTER_FOLLOWING = frozenset(
    normalise_word(word)
    for word in (
        "পর পরে থেকে হয়েছে হয়েছিল হয়েছিলো করেছি করেছে করলাম হইছে হলো হল হওয়ার করার "
        "করানোর হইসে por pore porer theke hoise hoyeche hoyechilo korechi koreche korlam "
        "korsi korse howar korar holo hoilo hoyese hoyse"
    ).split()
)
# Multi-word expressions: (first words, second words, window, gloss of the
# word that matched second). "বের হচ্ছে" (coming out), "পড়ে গেছে" (fell)...
_BE = (
    "হচ্ছে হয় হয়েছে হইছে হচ্ছিল হয়ে হইতেছে হয়েছিল হচ্ছিলো hocche hochhe hosse hoy hoi "
    "hoise hoyeche hoitese hoitase hoye hocchilo hoyechilo"
)
_WENT = (
    "গেছে গিয়েছে গেল গেলো গেছিল গেছিলো গিয়েছিল গিয়েছিলো গিয়ে যায় গেছি গেলাম গেছেন গেসে "
    "geche gese gechhe gelo gechilo gesilo giyeche giyechilo giye jay jai gechi gesi gelam "
    "gechen gesen"
)
_PHRASES = [
    ("বের ber", _BE, 1, "discharge"),
    (
        "পানি রস রক্ত pani rosh ros rokto",
        "পড়ছে পড়ে ঝরছে ঝরে আসছে বের porche pore porse jhorche asche ashche ber",
        2,
        "discharge",
    ),
    ("পড়ে পরে pore pode pade", _WENT, 1, "fell"),
    (
        "আছাড় আছাড achhar achar asar aachar achaar",
        "খেয়েছে খেয়ে খেলো খাইছে খেয়েছিল খেলাম খাইসে kheyeche kheye khelo khaise khaiche "
        "kheyechilo khaisilo khelam",
        1,
        "fell",
    ),
    ("পায়ের payer paer", "ডিম dim", 1, "calf"),
    ("পায়ের payer paer", "পাতা pata", 1, "foot"),
    ("হাঁটুর হাটুর hatur hantur", "নিচে নিচের পিছনে পেছনে niche nicher nise pichone", 1, "calf"),
    (
        "শরীর শরীরে গা গায়ে sorir shorir gaa ga gaye gay body",
        "গরম gorom garam",
        2,
        "fever",
    ),
    ("খুলে khule", _WENT + " যাচ্ছে jacche", 1, "opened"),
    ("দম dom", "বন্ধ আটকে bondho bondo atke", 1, "suffocating"),
    ("রক্ত rokto", "জমাট জমে jomat jome", 1, "clot"),
    (
        "অপারেশনের অপারেশন কাটা সেলাইয়ের সেলাই " "operation operationer oporeshon kata selai selaier",
        "জায়গা জায়গায় জায়গাটা জায়গাটায় জায়গাতে jayga jaiga jaygay jaigay jaygata jaygate jagay "
        "jaygai jaygay",
        2,
        "site",
    ),
    (
        "জ্বর jor jwor",
        "কমছে কমে যাচ্ছে যায় ছাড়ছে ছাড়ে নামছে নামে komche kome jacche jay charche chare "
        "namche name komtese jaitese",
        2,
        "subsiding",
    ),
]
PHRASES = [
    (
        frozenset(normalise_word(word) for word in first.split()),
        frozenset(normalise_word(word) for word in second.split()),
        window,
        gloss,
    )
    for first, second, window, gloss in _PHRASES
]
# Noun endings of romanized Bangla on English or romanized nouns:
# "operationer" (of the operation), "kneete" (in the knee), "woundta".
_ROMANIZED_NOUN_ENDINGS = _words("gula gulo tay tai er te ta ti re ke e r y")
_NOT_INFLECTED = _words("jore scare scared caste hate hater footer sitee")
# Romanized words of everyday Banglish one edit from a symptom word
# ("kota" - how many - is not "kata", "fele" is not "fule").
_NOT_MISSPELT = ROMANIZED_WORDS | _words(
    "kota pata jore fele phele pola lala gola bola tola mala kola bhalo valo kaj kal "
    "kaal hobe pore kore bole hole lage jabe khabo khete porbe porte porche porchhe "
    "porechi porsi porlam porer ashe hata hanta bari basha pani matha mathay kaste "
    "kandche kandtese fol nil jora joda jura karo kaaro karor thaka thake"
)
# Verb forms too close to other verbs to correct ("porche", dripping, is one
# edit from "poreche", fell).
_NEVER_CORRECTED_TO = _words("porse poreche porechilo porsilo fete peke pekse")
# Marks added to a word's forms (never words themselves).
FUSED_NEGATION = "__negated__"  # "fuleni", "ফোলেনি": the word carries its negation
REPORT_MARK = "__reports__"  # a verb that reports ("hoyeche")
SUBSIDING = frozenset({"subsiding"})  # "কমছে": with a negation, a persistent fever

# Misspelt symptom words ("fevr", "swolen", "breth") are matched to the words
# above at one edit. Real English words one edit away from them ("fewer",
# "calm") are listed in this table of the spaCy pipeline (see
# bot.nlu.spacy_pipeline) and never corrected.
CONFUSABLES_TABLE = "red_flag_confusables"
_MIN_FUZZY_LENGTH = 4
# Typed words this short are matched only if one letter was dropped ("clf").
_MIN_TYPED_LENGTH = 3
_CONCEPTS = (
    FEVER,
    HIGH,
    SHIVERING,
    WOUND,
    WOUND_SIGN,
    CALF,
    LEG,
    SWELLING_SIGN,
    CLOT,
    CHEST,
    CHEST_SIGN,
    BREATH,
    SHORT,
    BREATH_TROUBLE,
    BREATHLESS,
    PAIN,
    SUDDEN,
    SEVERE,
    UNBEARABLE,
    LIMB,
    CIRCULATION_SIGN,
    FEEL_OR_MOVE,
    FALL,
    CAST,
    TIGHT,
    OPERATION,
    POST_OP,
)
# Symptom and sign words (after glossing): a conditional on one of them
# ("jor hole") makes a general question, and negation reaches across them
# ("পুঁজ বা রস বের হচ্ছে না").
SYMPTOM = (
    FEVER
    | SHIVERING
    | WOUND_SIGN
    | SWELLING_SIGN
    | CLOT
    | CHEST_SIGN
    | BREATH
    | BREATH_TROUBLE
    | BREATHLESS
    | PAIN
    | UNBEARABLE
    | CIRCULATION_SIGN
    | FALL
    | SLIP
)
# Bangla words for "very": they make a fever high only next to it ("খুব জ্বর",
# "jor onek beshi"), since "অনেক দিন" is "many days".
INTENSELY = _words("intensely")
BEAR = _words("bear")
_INTENSIFIER_WINDOW = 2
_POST_NEGATION_WINDOW = 6
# "অপারেশনের ৩ দিন পর": how far after the operation word "after" may come.
_AFTER_OPERATION_WINDOW = 4
_ABLE = "__able__"
ROMANIZED_VOCABULARY = frozenset(
    word
    for word in ROMANIZED_GLOSSES
    if word.isascii()
    and word.isalpha()
    and len(word) >= _MIN_FUZZY_LENGTH
    and word not in _NEVER_CORRECTED_TO
)
VOCABULARY: FrozenSet[str] = (
    frozenset(
        word
        for concept in _CONCEPTS
        for word in concept
        if word.isalpha() and len(word) >= _MIN_FUZZY_LENGTH
    )
    | ROMANIZED_VOCABULARY
)
# English nouns that take romanized Bangla endings ("operationer", "kneete").
_NOUNS = WOUND | CALF | LEG | CHEST | LIMB | CAST | OPERATION | FEVER | BREATH | POST_OP


def deletions(word: str) -> Set[str]:
    """All strings made by deleting one character of ``word``."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def one_edit_variants(word: str) -> Set[str]:
    """Every string one deletion, insertion, substitution or swap from ``word``."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in letters}
    inserts = {a + c + b for a, b in splits for c in letters}
    return (deletions(word) | swaps | replaces | inserts) - {word}


@functools.lru_cache(maxsize=1)
def _deletion_index() -> Dict[str, FrozenSet[str]]:
    index: Dict[str, Set[str]] = {}
    for word in VOCABULARY:
        for key in deletions(word) | {word}:
            index.setdefault(key, set()).add(word)
    return {key: frozenset(words) for key, words in index.items()}


def within_one_edit(a: str, b: str) -> bool:
    """Whether ``a`` becomes ``b`` by one deletion, insertion, substitution or swap."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    shorter, longer = sorted((a, b), key=len)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def spelling_matches(word: str) -> FrozenSet[str]:
    """Vocabulary words one edit away from ``word`` (empty for short words).

    A typed word of three letters matches an English word only when one letter
    was dropped ("clf" -> "calf"), and a romanized Bangla word never: "jor",
    "lal", "pa" are too short to tell a typo from another word.
    """
    if (
        len(word) < _MIN_TYPED_LENGTH
        or not word.isascii()
        or not word.isalpha()
        or word in VOCABULARY
    ):
        return frozenset()
    index = _deletion_index()
    candidates: Set[str] = set()
    for key in deletions(word) | {word}:
        candidates |= index.get(key, frozenset())
    return frozenset(
        candidate
        for candidate in candidates
        if within_one_edit(word, candidate)
        and (
            len(word) >= _MIN_FUZZY_LENGTH
            or (len(candidate) == len(word) + 1 and candidate not in ROMANIZED_VOCABULARY)
        )
    )


_TEMPERATURE = re.compile(r"^([0-9]{2,3}(?:\.[0-9])?)(?:°?[fc]|°)?$")


def _temperature(form: str) -> bool:
    """Whether a word is a high temperature: 38-43 (°C) or 100.4-110 (°F)."""
    match = _TEMPERATURE.match(to_ascii_digits(form))
    if not match:
        return False
    value = float(match.group(1))
    return 38.0 <= value <= 43.0 or 100.4 <= value <= 110.0


@dataclass(frozen=True)
class _Sentence:
    """The normalised word forms of one sentence, in order.

    Attributes:
        forms: Per word: the word, its lemma, stems, spelling corrections and
            English glosses, plus marks (``FUSED_NEGATION``, ``REPORT_MARK``).
        text: The sentence as typed.
        punct: Per word, whether it is punctuation (ends a negation's reach).
        bangla: Whether the sentence has Bangla script or romanized Bangla.
    """

    forms: Sequence[FrozenSet[str]]
    text: str
    punct: Sequence[bool] = ()
    bangla: bool = False

    def positions(self, concept: FrozenSet[str]) -> List[int]:
        return [i for i, forms in enumerate(self.forms) if forms & concept]

    def has(self, concept: FrozenSet[str]) -> bool:
        return bool(self.positions(concept))

    def _is_punct(self, index: int) -> bool:
        return bool(self.punct) and self.punct[index]

    def negated_after(self, index: int) -> bool:
        """'জ্বর নেই', 'lal hoy nai', 'পুঁজ বা রস বের হচ্ছে না', 'fuleni'.

        Only in a Bangla sentence: English negates before the word.
        """
        if not self.bangla:
            return False
        if FUSED_NEGATION in self.forms[index]:
            return True
        end = min(len(self.forms), index + 1 + _POST_NEGATION_WINDOW)
        for i in range(index + 1, end):
            forms = self.forms[i]
            if forms & POST_NEGATION or FUSED_NEGATION in forms:
                return True
            if self._is_punct(i) or not forms & (NEGATION_TRANSPARENT | SYMPTOM):
                return False
        return False

    def negated(self, index: int) -> bool:
        start = max(0, index - _NEGATION_WINDOW)
        if any(self.forms[i] & NEGATION for i in range(start, index)):
            return True
        return self.negated_after(index)

    def has_affirmed(self, concept: FrozenSet[str]) -> bool:
        """Whether a word of the concept occurs without a negation before or after it."""
        return any(not self.negated(i) for i in self.positions(concept))

    def has_sequence(self, *concepts: FrozenSet[str]) -> bool:
        """Whether consecutive words match the concepts in order."""
        span = len(concepts)
        return any(
            all(self.forms[start + k] & concepts[k] for k in range(span))
            for start in range(len(self.forms) - span + 1)
        )

    def near(self, first: FrozenSet[str], second: FrozenSet[str], window: int) -> bool:
        """Whether words of the two concepts are at most ``window`` words apart."""
        return any(
            abs(i - j) <= window for i in self.positions(first) for j in self.positions(second)
        )

    def after_operation(self) -> bool:
        """'after the op', 'since surgery', 'operated', 'the cast', 'অপারেশনের পর'."""
        if self.has(POST_OP):
            return True
        for index in self.positions(OPERATION):
            start = max(0, index - _NEGATION_WINDOW)
            if any(self.forms[i] & AFTER for i in range(start, index)):
                return True
            if self.bangla:
                end = min(len(self.forms), index + 1 + _AFTER_OPERATION_WINDOW)
                if any(self.forms[i] & AFTER_FOLLOWING for i in range(index + 1, end)):
                    return True
        return False

    def fall(self) -> bool:
        """A fall, trip or slip of the patient (not a slipped disc)."""
        if self.has_affirmed(FALL):
            return True
        for index in self.positions(SLIP):
            following = self.forms[index + 1] if index + 1 < len(self.forms) else frozenset()
            if not self.negated(index) and not following & NOT_A_FALL_AFTER_SLIP:
                return True
        return False

    def general_question(self) -> bool:
        """A question about people in general, not a report about someone now."""
        if self.bangla:
            # "jor hoise", "পা ফুলে গেছে", "এখন": someone's symptoms now.
            if self.has(frozenset({REPORT_MARK})) or self.has(URGENCY):
                return False
            if self.has(GENERAL_CUE) or self._only_hypothetical_symptoms():
                return True
        if _GENERAL_QUESTION.search(self.text):
            return True
        first = self.forms[0] if self.forms else frozenset()
        second = self.forms[1] if len(self.forms) > 1 else frozenset()
        # "can't feel my leg" opens with a modal too, but reports a symptom, and
        # "can you help, his toes are blue" asks for help with one.
        if (
            first & HYPOTHETICAL_START
            and not second & (NEGATION | ASKING_FOR_HELP)
            and "n't" not in first
        ):
            return True
        return bool(first & QUESTION_START) and not self.has(PERSONAL)

    def _symptom_positions(self) -> List[int]:
        return [
            i
            for i, forms in enumerate(self.forms)
            if forms & SYMPTOM or any(_temperature(form) for form in forms)
        ]

    def _only_hypothetical_symptoms(self) -> bool:
        """Every symptom is hypothetical: 'জ্বর হলে কী করব?', 'jodi pa thanda hoy',
        'অপারেশনের পর কি জ্বর হয়?'. One stated plainly ('jor hole ki korbo,
        cheler jor 103') makes the sentence a report.
        """
        symptoms = self._symptom_positions()
        if not symptoms:
            return False
        covered: Set[int] = set()
        for index in self.positions(CONDITIONAL_AFTER):
            covered.update(range(max(0, index - 4), index))
        for index in self.positions(CONDITIONAL_BEFORE):
            covered.update(range(index + 1, index + 7))
        asks = self.has(QUESTION_PARTICLE) or "?" in self.text
        if asks and not self.has(PERSONAL):
            for index in self.positions(HABITUAL):
                covered.update(range(max(0, index - 2), index))
        return all(index in covered for index in symptoms)

    def negated_verb(self, verbs: FrozenSet[str]) -> bool:
        """'can't feel', 'cannot move', 'unable to breathe': inability, not denial."""
        for index in self.positions(verbs):
            start = max(0, index - _NEGATION_WINDOW)
            window = set().union(*self.forms[start:index]) if index else set()
            if window & (NEGATION | {"unable", "cannot"}):
                return True
        return False

    def unable_after(self, concept: FrozenSet[str]) -> bool:
        """'শ্বাস নিতে পারছে না', 'pa nadate parche na': cannot (breathe, move...)."""
        if not self.bangla:
            return False
        for index in self.positions(concept):
            end = min(len(self.forms), index + 1 + _POST_NEGATION_WINDOW)
            for i in range(index + 1, end):
                if self._is_punct(i):
                    break
                if _ABLE in self.forms[i]:
                    following = self.forms[i + 1] if i + 1 < len(self.forms) else frozenset()
                    if FUSED_NEGATION in self.forms[i] or following & POST_NEGATION:
                        return True
        return False

    def denied_after(self, concept: FrozenSet[str]) -> bool:
        """'পায়ে কোনো অনুভূতি নেই', 'bodh nai': no feeling (a sign, not its absence)."""
        return any(self.negated_after(i) for i in self.positions(concept))

    def fever_persists(self) -> bool:
        """'জ্বর কমছে না', 'jor jacche na': a fever that does not go down."""
        return any(self.negated_after(i) for i in self.positions(SUBSIDING))


def _fused_negation(word: str, suffixes: Sequence[str], glosses: Dict[str, FrozenSet[str]]) -> str:
    """The word without a negation written onto it ("hoyni" -> "hoy"), else ''."""
    for suffix in suffixes:
        rest = word[: -len(suffix)]
        if (
            word.endswith(suffix)
            and len(rest) >= 2
            and (rest in NEGATION_TRANSPARENT or rest in glosses or rest in REPORTING)
        ):
            return rest
    return ""


_BANGLA_NEGATION_SUFFIXES = tuple(normalise_word(s) for s in ("না", "নি"))
_ROMANIZED_NEGATION_SUFFIXES = ("na", "ni")


def _bangla_forms(word: str) -> Set[str]:
    """Forms of a word in Bangla script (already normalised)."""
    forms = {word, to_ascii_digits(word)} | bangla_stems(word)
    rest = _fused_negation(word, _BANGLA_NEGATION_SUFFIXES, BANGLA_GLOSSES)
    if rest:
        forms |= {rest, FUSED_NEGATION}
    if word.startswith(_ABLE_BANGLA_PREFIX):
        forms.add(_ABLE)
        if word.endswith(_BANGLA_NEGATION_SUFFIXES):
            forms.add(FUSED_NEGATION)
    if word in REPORTING or (word.endswith(_REPORTING_BANGLA_ENDINGS) and word not in _NOT_VERBS):
        forms.add(REPORT_MARK)
    for form in list(forms):
        forms |= BANGLA_GLOSSES.get(form, frozenset())
    return forms


def _latin_forms(token: Token, confusables: FrozenSet[str], bangla_sentence: bool) -> Set[str]:
    """Forms of an English or romanized Bangla word."""
    lower = normalise_word(token.lower_)
    forms = {lower, token.lemma_.lower(), token.norm_.lower()}
    if lower.endswith("n't") or lower in {"cannot", "cant", "dont", "didnt", "wont", "isnt"}:
        forms.add("n't")
    # Everyday Banglish words are not misspelt symptom words ("pani" is water),
    # and English words are not misspelt romanized ones ("kate" is no "kata").
    if lower not in confusables and not (bangla_sentence and lower in _NOT_MISSPELT):
        corrections = spelling_matches(lower)
        forms |= corrections if bangla_sentence else corrections - ROMANIZED_VOCABULARY
    if lower.isalpha() and lower not in _NOT_INFLECTED and lower not in ROMANIZED_WORDS:
        for ending in _ROMANIZED_NOUN_ENDINGS:
            stem = lower[: -len(ending)]
            if (
                lower.endswith(ending)
                and len(stem) >= 3
                and (stem in ROMANIZED_GLOSSES or (len(stem) >= 4 and stem in _NOUNS))
            ):
                forms.add(stem)
    rest = _fused_negation(lower, _ROMANIZED_NEGATION_SUFFIXES, ROMANIZED_GLOSSES)
    if rest and len(rest) >= 3:
        forms |= {rest, FUSED_NEGATION}
    able = _ABLE_ROMANIZED.match(lower)
    if able:
        forms.add(_ABLE)
        if able.group(1):
            forms.add(FUSED_NEGATION)
    if lower in REPORTING or (
        bangla_sentence
        and len(lower) >= 4
        and lower.endswith(_REPORTING_ROMANIZED_ENDINGS)
        and lower not in _ENGLISH_WITH_REPORTING_ENDINGS
    ):
        forms.add(REPORT_MARK)
    for form in list(forms):
        forms |= ROMANIZED_GLOSSES.get(form, frozenset())
        if bangla_sentence:
            forms |= AMBIGUOUS_ROMANIZED_GLOSSES.get(form, frozenset())
    return forms


def _token_forms(
    token: Token, confusables: FrozenSet[str], bangla_sentence: bool = False
) -> FrozenSet[str]:
    if has_bangla(token.text):
        forms = _bangla_forms(normalise_word(token.text))
    else:
        forms = _latin_forms(token, confusables, bangla_sentence)
    return frozenset(form for form in forms if form)


def _is_bangla_word(token: Token) -> bool:
    if has_bangla(token.text):
        return True
    lower = token.lower_
    return lower in ROMANIZED_STRONG or lower in ROMANIZED_GLOSSES


def _apply_phrases(forms: List[Set[str]]) -> None:
    """Gloss multi-word expressions ("বের হচ্ছে", "pore geche") on their last word."""
    for index in range(len(forms) - 1):
        if forms[index + 1] & APPLIED:
            forms[index] -= {"hot", "cold"}
    for first, second, window, gloss in PHRASES:
        for i, word_forms in enumerate(forms):
            if not word_forms & first:
                continue
            for j in range(i + 1, min(len(forms), i + 1 + window)):
                if forms[j] & second:
                    forms[j].add(gloss)
                    break


def _confusables(doc: Doc) -> FrozenSet[str]:
    lookups = doc.vocab.lookups
    if not lookups.has_table(CONFUSABLES_TABLE):
        return frozenset()
    table = lookups.get_table(CONFUSABLES_TABLE)
    words = table.get("words", [])
    return frozenset(words)


def _sentences(doc: Doc) -> Iterable[_Sentence]:
    confusables = _confusables(doc)
    spans: Iterable[Span] = doc.sents if doc.has_annotation("SENT_START") else [doc[:]]
    for span in spans:
        bangla = any(_is_bangla_word(token) for token in span)
        forms = [set(_token_forms(token, confusables, bangla)) for token in span]
        if bangla:
            _apply_phrases(forms)
        yield _Sentence(
            [frozenset(word_forms) for word_forms in forms],
            span.text,
            [token.is_punct for token in span],
            bangla,
        )


def _high_temperature(sentence: _Sentence) -> bool:
    """A temperature reading in °C or °F, in ASCII or Bangla digits ("১০৩")."""
    return any(_temperature(form) for forms in sentence.forms for form in forms)


def _sentence_flags(s: _Sentence, operation_mentioned: bool) -> Set[str]:
    """Red flags in one sentence.

    Args:
        s: The sentence.
        operation_mentioned: Whether any sentence of the message places it
            after an operation ("She had the VRO last month. Today she fell.").
    """
    flags: Set[str] = set()
    after_operation = operation_mentioned or s.after_operation()
    text = s.text.lower()

    # Breathing and chest pain are flagged even inside general questions:
    # a missed emergency costs more than an unnecessary warning.
    if (
        s.has_affirmed(BREATHLESS)
        or s.has_sequence(SHORT, _words("of"), BREATH)
        or s.negated_verb(BREATH)
        or (s.has_affirmed(BREATH) and s.has(BREATH_TROUBLE))
        or s.unable_after(BREATH)
    ):
        flags.add(BREATHLESSNESS)
    if s.has(CHEST) and s.has_affirmed(CHEST_SIGN):
        flags.add(CHEST_PAIN)
    if s.general_question():
        return flags

    high = s.has(HIGH) or s.near(FEVER, INTENSELY, _INTENSIFIER_WINDOW) or s.fever_persists()
    mild_only = s.has(MILD) and not high
    if s.has_affirmed(FEVER) and (
        high or s.has(SHIVERING) or _high_temperature(s) or (after_operation and not mild_only)
    ):
        flags.add(HIGH_FEVER)
    if "burning up" in text:
        flags.add(HIGH_FEVER)
    if (s.has(WOUND) and s.has_affirmed(WOUND_SIGN)) or (
        s.has(CAST) and s.has_affirmed(DRAINAGE_SIGN)
    ):
        flags.add(WOUND_PROBLEM)
    calf = s.has(CALF) or bool(_LOWER_LEG.search(text))
    if (calf and s.has_affirmed(SWELLING_SIGN)) or (s.has_affirmed(CLOT) and (s.has(LEG) or calf)):
        flags.add(CALF_SWELLING)
    if s.has_affirmed(PAIN) and (s.has(SUDDEN) or (s.has(SEVERE) and after_operation)):
        flags.add(SEVERE_PAIN)
    if s.has_affirmed(UNBEARABLE) or (s.has(PAIN) and s.unable_after(BEAR)):
        flags.add(SEVERE_PAIN)
    limb = s.has(LIMB) or s.has(CAST)
    if limb and (
        s.has_affirmed(CIRCULATION_SIGN)
        or s.negated_verb(FEEL_OR_MOVE)
        or s.denied_after(FEEL_OR_MOVE)
        or s.unable_after(FEEL_OR_MOVE)
    ):
        flags.add(LIMB_CIRCULATION)
    if "pins and needles" in text and limb:
        flags.add(LIMB_CIRCULATION)
    if s.has(CAST) and s.has_affirmed(TIGHT) and (s.has(PAIN) or s.has(SWELLING_SIGN)):
        flags.add(LIMB_CIRCULATION)
    if s.fall() and (s.has(OPERATION) or after_operation):
        flags.add(FALL_AFTER_SURGERY)
    return flags


def detect_red_flags(doc: Doc) -> List[str]:
    """Return the names of the red flags a message describes, in a fixed order.

    Args:
        doc: The message processed by the project's spaCy pipeline (tokenizer,
            lookup lemmatizer and sentencizer), in English, Bangla script or
            romanized Bangla.

    Returns:
        Sorted red-flag names; empty when the message describes none.
    """
    sentences = list(_sentences(doc))
    operation_mentioned = any(sentence.after_operation() for sentence in sentences)
    found: Set[str] = set()
    for sentence in sentences:
        found |= _sentence_flags(sentence, operation_mentioned)
    return sorted(found)
