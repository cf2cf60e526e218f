"""The staff console's fixed texts, in English and Bangla.

The same approach as the widget's ``widget/src/strings.js``: one table per
language, every language has every key (``tests/console/test_console_language.py``
checks it), and an unknown language or key falls back to English. Texts may
hold ``{name}`` placeholders, filled by :func:`text`.
"""

from __future__ import annotations

from typing import Dict, Mapping, Optional

DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES = {"en": "English", "bn": "বাংলা"}
# The languages a conversation can be in, and the table's names for them.
CONVERSATION_LANGUAGE_KEYS = {"en": "log.english", "bn": "log.bangla", "bn_latn": "log.romanized"}

STRINGS: Dict[str, Dict[str, str]] = {
    "en": {
        # base.html: header, banners
        "console": "Staff console",
        "skip": "Skip to content",
        "nav.label": "Console",
        "nav.queue": "Queue",
        "nav.log": "Conversations",
        "nav.callbacks": "Callbacks",
        "nav.dashboard": "Dashboard",
        "nav.audit": "Audit log",
        "sign_out": "Sign out",
        "language.switch": "Console language",
        "urgent.label": "Urgent:",
        "urgent.text": "a patient reported red-flag symptoms and is waiting.",
        "urgent.open": "Open it now",
        "urgent.dismiss": "Dismiss",
        # login.html
        "login.title": "Sign in",
        "login.intro": "Sign in with the account an admin created for you.",
        "login.username": "Username",
        "login.password": "Password",
        "login.submit": "Sign in",
        "login.wrong": "Wrong username or password.",
        "login.locked": (
            "Too many sign-in attempts. Wait {minutes} minutes, "
            "or ask an admin to unlock your account."
        ),
        # queue.html
        "queue.title": "Live queue",
        "queue.hint": (
            "Patients waiting for a person, urgent first, then longest waiting. "
            "This list updates by itself."
        ),
        "queue.caption": "Open handoffs",
        "queue.priority": "Priority",
        "queue.conversation": "Conversation",
        "queue.channel": "Channel",
        "queue.language": "Language",
        "queue.why": "Why",
        "queue.waiting": "Waiting",
        "queue.status": "Status",
        "queue.urgent": "URGENT",
        "queue.normal": "normal",
        "queue.by": "by",
        "queue.open": "Open",
        "queue.empty": "Nobody is waiting.",
        # conversation.html
        "conversation.title": "Conversation {label}",
        "conversation.channel": "Channel:",
        "conversation.language": "Language:",
        "conversation.started": "Started",
        "conversation.last": "Last message",
        "conversation.unknown": "unknown",
        "tag.urgent": "urgent",
        "tag.handed_off": "handed off",
        "tag.reviewed": "reviewed",
        "tag.low_confidence": "low confidence",
        "tag.fallback": "fallback",
        "handoff.label": "Handoff",
        "handoff.title": "Handoff",
        "handoff.title_urgent": "Urgent handoff",
        "handoff.take_over": "Take over this conversation",
        "handoff.window_closed": (
            "WhatsApp's 24-hour window has closed: WhatsApp will not deliver a free-form "
            "reply until the patient writes again. Phone the patient instead."
        ),
        "handoff.window_open": "WhatsApp: free-form replies are possible until {time}.",
        "handoff.reply_label": "Your reply to the patient (they see your name, {name})",
        "handoff.send": "Send",
        "handoff.taken_by_other": "Taken over by someone else.",
        "handoff.close": "Close handoff and hand back to the assistant",
        "transcript.title": "Transcript",
        "review.title": "Review",
        "review.mark": "Mark conversation reviewed",
        "review.mark_again": "Mark reviewed again",
        "review.delete": "Delete conversation",
        "review.delete_confirm": "Delete this whole conversation? This cannot be undone.",
        # _transcript.html
        "transcript.patient": "Patient",
        "transcript.assistant": "Assistant",
        "transcript.staff": "staff",
        "transcript.understood": "Understood:",
        "transcript.red_flags": "red flags:",
        "transcript.answered_with": "Answered with:",
        "transcript.corrected_to": "corrected to",
        "transcript.right_topic": "Misunderstood? Right topic:",
        "transcript.choose": "choose…",
        "transcript.save_correction": "Save correction",
        "transcript.buttons": "Buttons:",
        "transcript.empty": "No messages.",
        # log.html
        "log.title": "Conversations",
        "log.search": "Search patient messages",
        "log.from": "From",
        "log.to": "To",
        "log.channel": "Channel",
        "log.language": "Language",
        "log.any": "any",
        "log.yes": "yes",
        "log.no": "no",
        "log.english": "English",
        "log.bangla": "Bangla",
        "log.romanized": "Romanized Bangla",
        "log.handed_off": "Handed off",
        "log.urgent": "Urgent",
        "log.low_confidence": "Low confidence or fallback",
        "log.reviewed": "Reviewed",
        "log.filter": "Filter",
        "log.export": "Export:",
        "log.export_corrections": "reviewers' corrections (Rasa NLU YAML)",
        "log.export_csv": "these conversations as CSV",
        "log.export_json": "as JSON",
        "log.count_one": "{count} conversation.",
        "log.count_other": "{count} conversations.",
        "log.last_message": "Last message",
        "log.conversation": "Conversation",
        "log.messages": "Messages",
        "log.topic": "Topic",
        "log.flags": "Flags",
        "log.empty": "No conversations match.",
        "log.pages": "Pages",
        "log.previous": "Previous",
        "log.next": "Next",
        "log.page_of": "Page {page} of {pages}",
        # callbacks.html
        "callbacks.title": "Callback requests",
        "callbacks.hint": (
            "Patients who agreed to be phoned back. The number is shown in full only here; "
            "mark a request done once you have called."
        ),
        "callbacks.asked": "Asked",
        "callbacks.name": "Name",
        "callbacks.phone": "Phone",
        "callbacks.preferred_time": "Preferred time",
        "callbacks.channel": "Channel",
        "callbacks.language": "Language",
        "callbacks.called": "Called",
        "callbacks.empty": "No callback requests waiting.",
        # error.html
        "error.title": "Not possible",
        "error.back": "Back to the queue",
        "error.admins_only": "Only admins can open this page.",
        "error.form_expired": "This form has expired. Go back, reload the page and try again.",
        # the storage banner (issue 12)
        "storage.degraded": "Storage degraded",
        "storage.failing": "since {since}: {failing} not answering.",
        "storage.and": "and",
        "storage.kept": (
            "Patients are still answered; their messages are kept in the assistant's journal "
            "and appear here once storage is back."
        ),
        "storage.waiting": (
            "{count} saved message event(s) or handoff(s) are waiting to be written "
            "to the database."
        ),
        # dashboard.html
        "dashboard.title": "Dashboard: the last {days} days",
        "dashboard.days": "Days",
        "dashboard.show": "Show",
        "dashboard.conversations": "Conversations",
        "dashboard.patient_messages": "Patient messages",
        "dashboard.fallback_rate": "Fallback or low confidence",
        "dashboard.handoff_rate": "Handed to staff",
        "dashboard.urgent": "Urgent conversations",
        "dashboard.per_day": "Conversations per day",
        "dashboard.top_topics": "Top topics",
        # audit.html (admins)
        "audit.locks": "Locked sign-ins",
        "audit.locks_hint": (
            "Too many sign-in attempts. The lock ends by itself at the time shown; "
            "unlock sooner only when you know who was trying."
        ),
        "audit.locked": "Locked",
        "audit.attempts": "Attempts",
        "audit.since": "Since",
        "audit.until": "Until",
        "audit.unlock": "Unlock {scope} {key}",
        "audit.no_locks": "No username or address is locked.",
        "audit.log": "Log",
        "audit.when": "When",
        "audit.who": "Who",
        "audit.what": "What",
        "audit.on": "On",
        "audit.details": "Details",
        "audit.empty": "Nothing yet.",
        "audit.newer": "Newer",
        "audit.older": "Older",
        # notices and errors after a form (passed as keys in the query string)
        "message.correction_saved": "Correction saved. It will be in the next export.",
        "message.choose_topic": (
            "Nothing was saved: choose the right topic in the list before saving a correction."
        ),
        "message.unknown_topic": "Choose the right topic from the list.",
        "message.choose_message": "Choose a message to correct.",
        "message.marked_reviewed": "Marked as reviewed.",
        "message.deleted": "Conversation deleted.",
        "message.taken_over": "You have taken over. The assistant is paused in this conversation.",
        "message.sent": "Sent.",
        "message.closed": "Closed. The assistant has resumed and the patient was told.",
        "message.unlocked": "Unlocked.",
        "message.not_locked": "It was not locked any more.",
        "message.nothing_to_unlock": "Nothing to unlock.",
        "message.reply_empty": "The reply is empty.",
        "message.reply_too_long": "The reply is longer than 2,000 characters.",
        "message.unaddressable": (
            "This conversation's id has characters the assistant's server cannot take "
            "(spaces, ?, #, or non-Latin letters), so it cannot be taken over here. "
            "Contact the patient another way, then close the handoff."
        ),
        "message.taken_or_closed": "Someone else has taken this conversation, or it is closed.",
        "message.no_such_handoff": "There is no such handoff.",
        "message.claim_first": "Take over the conversation before replying.",
        "message.window_closed": (
            "WhatsApp's 24-hour window has closed: the patient has not written for over "
            "24 hours, so WhatsApp will not deliver a free-form reply. Phone the patient instead."
        ),
        "message.close_not_yours": "Only the person who took over (or an admin) can close it.",
        "message.rasa_failed": (
            "Not done: the assistant's server did not answer. Nothing was sent; "
            "try again in a moment."
        ),
        "error.bad_link": "This conversation link is damaged.",
        # values shown in tables and tags (stored in English, shown in the staff's language)
        "page.suffix": "Clinic assistant",
        "role.admin": "admin",
        "role.staff": "staff",
        "status.open": "open",
        "status.claimed": "taken over",
        "status.closed": "closed",
        "reason.requested": "asked for a person",
        "reason.fallback": "not understood",
        "reason.urgent": "red-flag symptoms",
        "channel.webchat": "web chat",
        "channel.whatsapp": "WhatsApp",
        "channel.twilio_whatsapp": "WhatsApp (Twilio)",
        "channel.rest": "REST API",
        "page.knee": "from the knee operation's page",
        "page.hip": "from the hip operation's page",
        "scope.username": "username",
        "scope.address": "address",
        "marker.session_started": "session started",
        "marker.paused": "assistant paused",
        "marker.resumed": "assistant resumed",
        "marker.urgent": "urgent",
        "marker.handoff": "handed to staff",
        "duration.minutes": "{minutes} min",
        "duration.hours": "{hours} h {minutes} min",
        "urgent.title": "URGENT patient waiting",
        "audit.system": "system",
        # dashboard charts (bot/review/charts.py)
        "chart.no_data": "No data for this period",
        "chart.per_day_description": (
            "Conversations in which a patient wrote, per day from {first} to {last} ({tz}), "
            "{total} in all."
        ),
        "chart.topics_description": (
            "Patient messages answered with each FAQ topic, most asked first."
        ),
        "chart.months": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
    },
    "bn": {
        "console": "কর্মীদের কনসোল",
        "skip": "মূল অংশে যান",
        "nav.label": "কনসোল",
        "nav.queue": "সারি",
        "nav.log": "কথোপকথন",
        "nav.callbacks": "কলব্যাক",
        "nav.dashboard": "ড্যাশবোর্ড",
        "nav.audit": "অডিট লগ",
        "sign_out": "সাইন আউট",
        "language.switch": "কনসোলের ভাষা",
        "urgent.label": "জরুরি:",
        "urgent.text": "একজন রোগী বিপদের লক্ষণ জানিয়েছেন এবং অপেক্ষা করছেন।",
        "urgent.open": "এখনই খুলুন",
        "urgent.dismiss": "বন্ধ করুন",
        "login.title": "সাইন ইন",
        "login.intro": "অ্যাডমিন আপনার জন্য যে অ্যাকাউন্ট তৈরি করেছেন, তা দিয়ে সাইন ইন করুন।",
        "login.username": "ব্যবহারকারীর নাম",
        "login.password": "পাসওয়ার্ড",
        "login.submit": "সাইন ইন করুন",
        "login.wrong": "ব্যবহারকারীর নাম বা পাসওয়ার্ড ভুল।",
        "login.locked": (
            "অনেকবার সাইন ইনের চেষ্টা হয়েছে। {minutes} মিনিট অপেক্ষা করুন, "
            "অথবা অ্যাকাউন্ট খুলে দিতে একজন অ্যাডমিনকে বলুন।"
        ),
        "queue.title": "চলমান সারি",
        "queue.hint": (
            "যেসব রোগী একজন মানুষের উত্তরের অপেক্ষায় আছেন: আগে জরুরি, তারপর যিনি সবচেয়ে বেশি "
            "সময় ধরে অপেক্ষা করছেন। এই তালিকা নিজে থেকেই হালনাগাদ হয়।"
        ),
        "queue.caption": "খোলা হস্তান্তর",
        "queue.priority": "অগ্রাধিকার",
        "queue.conversation": "কথোপকথন",
        "queue.channel": "মাধ্যম",
        "queue.language": "ভাষা",
        "queue.why": "কারণ",
        "queue.waiting": "অপেক্ষা",
        "queue.status": "অবস্থা",
        "queue.urgent": "জরুরি",
        "queue.normal": "সাধারণ",
        "queue.by": "নিয়েছেন",
        "queue.open": "খুলুন",
        "queue.empty": "কেউ অপেক্ষা করছেন না।",
        "conversation.title": "কথোপকথন {label}",
        "conversation.channel": "মাধ্যম:",
        "conversation.language": "ভাষা:",
        "conversation.started": "শুরু",
        "conversation.last": "শেষ বার্তা",
        "conversation.unknown": "অজানা",
        "tag.urgent": "জরুরি",
        "tag.handed_off": "কর্মীর কাছে দেওয়া হয়েছে",
        "tag.reviewed": "পর্যালোচিত",
        "tag.low_confidence": "কম নিশ্চিত",
        "tag.fallback": "বোঝা যায়নি",
        "handoff.label": "হস্তান্তর",
        "handoff.title": "হস্তান্তর",
        "handoff.title_urgent": "জরুরি হস্তান্তর",
        "handoff.take_over": "এই কথোপকথনের দায়িত্ব নিন",
        "handoff.window_closed": (
            "হোয়াটসঅ্যাপের ২৪ ঘণ্টার সময়সীমা শেষ: রোগী আবার না লেখা পর্যন্ত হোয়াটসঅ্যাপ "
            "মুক্তভাবে লেখা উত্তর পৌঁছাবে না। রোগীকে ফোন করুন।"
        ),
        "handoff.window_open": "হোয়াটসঅ্যাপ: {time} পর্যন্ত মুক্তভাবে লেখা উত্তর পাঠানো যাবে।",
        "handoff.reply_label": "রোগীকে আপনার উত্তর (রোগী আপনার নাম দেখবেন, {name})",
        "handoff.send": "পাঠান",
        "handoff.taken_by_other": "অন্য একজন দায়িত্ব নিয়েছেন।",
        "handoff.close": "হস্তান্তর বন্ধ করে সহকারীকে ফিরিয়ে দিন",
        "transcript.title": "কথোপকথনের বিবরণ",
        "review.title": "পর্যালোচনা",
        "review.mark": "কথোপকথন পর্যালোচিত হিসেবে চিহ্নিত করুন",
        "review.mark_again": "আবার পর্যালোচিত হিসেবে চিহ্নিত করুন",
        "review.delete": "কথোপকথন মুছে ফেলুন",
        "review.delete_confirm": "পুরো কথোপকথনটি মুছে ফেলবেন? এটি আর ফেরানো যাবে না।",
        "transcript.patient": "রোগী",
        "transcript.assistant": "সহকারী",
        "transcript.staff": "কর্মী",
        "transcript.understood": "যা বোঝা হয়েছে:",
        "transcript.red_flags": "বিপদের লক্ষণ:",
        "transcript.answered_with": "যে উত্তর দেওয়া হয়েছে:",
        "transcript.corrected_to": "সংশোধন:",
        "transcript.right_topic": "ভুল বোঝা হয়েছে? সঠিক বিষয়:",
        "transcript.choose": "বেছে নিন…",
        "transcript.save_correction": "সংশোধন সংরক্ষণ করুন",
        "transcript.buttons": "বোতাম:",
        "transcript.empty": "কোনো বার্তা নেই।",
        "log.title": "কথোপকথন",
        "log.search": "রোগীদের বার্তায় খুঁজুন",
        "log.from": "থেকে",
        "log.to": "পর্যন্ত",
        "log.channel": "মাধ্যম",
        "log.language": "ভাষা",
        "log.any": "যেকোনো",
        "log.yes": "হ্যাঁ",
        "log.no": "না",
        "log.english": "ইংরেজি",
        "log.bangla": "বাংলা",
        "log.romanized": "রোমান হরফে বাংলা",
        "log.handed_off": "কর্মীর কাছে দেওয়া হয়েছে",
        "log.urgent": "জরুরি",
        "log.low_confidence": "কম নিশ্চিত বা বোঝা যায়নি",
        "log.reviewed": "পর্যালোচিত",
        "log.filter": "ছাঁকুন",
        "log.export": "রপ্তানি:",
        "log.export_corrections": "পর্যালোচকদের সংশোধন (Rasa NLU YAML)",
        "log.export_csv": "এই কথোপকথনগুলো CSV হিসেবে",
        "log.export_json": "JSON হিসেবে",
        "log.count_one": "{count}টি কথোপকথন।",
        "log.count_other": "{count}টি কথোপকথন।",
        "log.last_message": "শেষ বার্তা",
        "log.conversation": "কথোপকথন",
        "log.messages": "বার্তা",
        "log.topic": "বিষয়",
        "log.flags": "চিহ্ন",
        "log.empty": "কোনো কথোপকথন মেলেনি।",
        "log.pages": "পাতা",
        "log.previous": "আগের পাতা",
        "log.next": "পরের পাতা",
        "log.page_of": "{pages} পাতার মধ্যে {page} নম্বর পাতা",
        "callbacks.title": "ফোন করার অনুরোধ",
        "callbacks.hint": (
            "যেসব রোগী ফোন পেতে রাজি হয়েছেন। পুরো নম্বর শুধু এখানেই দেখা যায়; "
            "ফোন করার পর অনুরোধটি সম্পন্ন হিসেবে চিহ্নিত করুন।"
        ),
        "callbacks.asked": "অনুরোধের সময়",
        "callbacks.name": "নাম",
        "callbacks.phone": "ফোন",
        "callbacks.preferred_time": "পছন্দের সময়",
        "callbacks.channel": "মাধ্যম",
        "callbacks.language": "ভাষা",
        "callbacks.called": "ফোন করা হয়েছে",
        "callbacks.empty": "কোনো ফোন করার অনুরোধ অপেক্ষায় নেই।",
        "error.title": "করা গেল না",
        "error.back": "সারিতে ফিরে যান",
        "error.admins_only": "এই পাতা শুধু অ্যাডমিনরা খুলতে পারেন।",
        "error.form_expired": (
            "এই ফর্মের মেয়াদ শেষ হয়ে গেছে। পিছনে যান, পাতাটি আবার লোড করে আবার চেষ্টা করুন।"
        ),
        "storage.degraded": "তথ্য সংরক্ষণে সমস্যা",
        "storage.failing": "{since} থেকে: {failing} সাড়া দিচ্ছে না।",
        "storage.and": "ও",
        "storage.kept": (
            "রোগীরা এখনও উত্তর পাচ্ছেন; তাঁদের বার্তা সহকারীর জার্নালে রাখা আছে, " "সংরক্ষণ ঠিক হলে এখানে দেখা যাবে।"
        ),
        "storage.waiting": ("সংরক্ষিত {count}টি বার্তা বা হস্তান্তর ডাটাবেসে লেখার অপেক্ষায় আছে।"),
        "dashboard.title": "ড্যাশবোর্ড: গত {days} দিন",
        "dashboard.days": "দিন",
        "dashboard.show": "দেখান",
        "dashboard.conversations": "কথোপকথন",
        "dashboard.patient_messages": "রোগীদের বার্তা",
        "dashboard.fallback_rate": "বোঝা যায়নি বা কম নিশ্চিত",
        "dashboard.handoff_rate": "কর্মীর কাছে দেওয়া হয়েছে",
        "dashboard.urgent": "জরুরি কথোপকথন",
        "dashboard.per_day": "প্রতিদিনের কথোপকথন",
        "dashboard.top_topics": "সবচেয়ে বেশি আসা বিষয়",
        "audit.locks": "আটকে থাকা সাইন ইন",
        "audit.locks_hint": (
            "অনেকবার সাইন ইনের চেষ্টা হয়েছে। দেখানো সময়ে আটকানো নিজে থেকেই শেষ হবে; "
            "কে চেষ্টা করছিলেন তা জানলে তবেই আগে খুলে দিন।"
        ),
        "audit.locked": "আটকানো",
        "audit.attempts": "চেষ্টা",
        "audit.since": "কখন থেকে",
        "audit.until": "কখন পর্যন্ত",
        "audit.unlock": "খুলে দিন: {scope} {key}",
        "audit.no_locks": "কোনো ব্যবহারকারীর নাম বা ঠিকানা আটকানো নেই।",
        "audit.log": "লগ",
        "audit.when": "কখন",
        "audit.who": "কে",
        "audit.what": "কী",
        "audit.on": "কীসের ওপর",
        "audit.details": "বিস্তারিত",
        "audit.empty": "এখনও কিছু নেই।",
        "audit.newer": "নতুনগুলো",
        "audit.older": "পুরোনোগুলো",
        "message.correction_saved": "সংশোধন সংরক্ষিত হয়েছে। এটি পরের রপ্তানিতে থাকবে।",
        "message.choose_topic": (
            "কিছু সংরক্ষণ করা হয়নি: সংশোধন সংরক্ষণের আগে তালিকা থেকে সঠিক বিষয় বেছে নিন।"
        ),
        "message.unknown_topic": "তালিকা থেকে সঠিক বিষয় বেছে নিন।",
        "message.choose_message": "কোন বার্তাটি সংশোধন করবেন, তা বেছে নিন।",
        "message.marked_reviewed": "পর্যালোচিত হিসেবে চিহ্নিত হয়েছে।",
        "message.deleted": "কথোপকথন মুছে ফেলা হয়েছে।",
        "message.taken_over": "আপনি দায়িত্ব নিয়েছেন। এই কথোপকথনে সহকারী এখন চুপ থাকবে।",
        "message.sent": "পাঠানো হয়েছে।",
        "message.closed": "বন্ধ করা হয়েছে। সহকারী আবার উত্তর দিচ্ছে, রোগীকে তা জানানো হয়েছে।",
        "message.unlocked": "খুলে দেওয়া হয়েছে।",
        "message.not_locked": "এটি আর আটকানো ছিল না।",
        "message.nothing_to_unlock": "খুলে দেওয়ার মতো কিছু নেই।",
        "message.reply_empty": "উত্তরটি খালি।",
        "message.reply_too_long": "উত্তরটি ২,০০০ অক্ষরের চেয়ে লম্বা।",
        "message.unaddressable": (
            "এই কথোপকথনের আইডিতে এমন অক্ষর আছে (ফাঁকা জায়গা, ?, # বা লাতিন ছাড়া অন্য হরফ) "
            "যা সহকারীর সার্ভার নিতে পারে না, তাই এখান থেকে দায়িত্ব নেওয়া যাবে না। "
            "অন্যভাবে রোগীর সাথে যোগাযোগ করুন, তারপর হস্তান্তর বন্ধ করুন।"
        ),
        "message.taken_or_closed": "অন্য একজন এই কথোপকথনের দায়িত্ব নিয়েছেন, অথবা এটি বন্ধ।",
        "message.no_such_handoff": "এমন কোনো হস্তান্তর নেই।",
        "message.claim_first": "উত্তর দেওয়ার আগে কথোপকথনের দায়িত্ব নিন।",
        "message.window_closed": (
            "হোয়াটসঅ্যাপের ২৪ ঘণ্টার সময়সীমা শেষ: রোগী ২৪ ঘণ্টার বেশি সময় লেখেননি, তাই "
            "হোয়াটসঅ্যাপ মুক্তভাবে লেখা উত্তর পৌঁছাবে না। রোগীকে ফোন করুন।"
        ),
        "message.close_not_yours": ("শুধু যিনি দায়িত্ব নিয়েছেন (অথবা একজন অ্যাডমিন) এটি বন্ধ করতে পারেন।"),
        "message.rasa_failed": (
            "করা যায়নি: সহকারীর সার্ভার সাড়া দেয়নি। কিছুই পাঠানো হয়নি; " "একটু পরে আবার চেষ্টা করুন।"
        ),
        "error.bad_link": "এই কথোপকথনের লিংকটি নষ্ট।",
        "page.suffix": "ক্লিনিক সহকারী",
        "role.admin": "অ্যাডমিন",
        "role.staff": "কর্মী",
        "status.open": "খোলা",
        "status.claimed": "দায়িত্ব নেওয়া হয়েছে",
        "status.closed": "বন্ধ",
        "reason.requested": "মানুষের সাথে কথা বলতে চেয়েছেন",
        "reason.fallback": "বোঝা যায়নি",
        "reason.urgent": "বিপদের লক্ষণ",
        "channel.webchat": "ওয়েব চ্যাট",
        "channel.whatsapp": "হোয়াটসঅ্যাপ",
        "channel.twilio_whatsapp": "হোয়াটসঅ্যাপ (Twilio)",
        "channel.rest": "REST এপিআই",
        "page.knee": "হাঁটুর অপারেশনের পাতা থেকে",
        "page.hip": "হিপের অপারেশনের পাতা থেকে",
        "scope.username": "ব্যবহারকারীর নাম",
        "scope.address": "ঠিকানা",
        "marker.session_started": "নতুন সেশন শুরু",
        "marker.paused": "সহকারী থেমে আছে",
        "marker.resumed": "সহকারী আবার চালু",
        "marker.urgent": "জরুরি",
        "marker.handoff": "কর্মীর কাছে দেওয়া হয়েছে",
        "duration.minutes": "{minutes} মিনিট",
        "duration.hours": "{hours} ঘণ্টা {minutes} মিনিট",
        "urgent.title": "জরুরি: রোগী অপেক্ষা করছেন",
        "audit.system": "সিস্টেম",
        "chart.no_data": "এই সময়ে কোনো তথ্য নেই",
        "chart.per_day_description": (
            "যেসব কথোপকথনে রোগী লিখেছেন, প্রতিদিন {first} থেকে {last} পর্যন্ত ({tz}), "
            "মোট {total}টি।"
        ),
        "chart.topics_description": (
            "প্রতিটি প্রশ্নোত্তর বিষয়ে রোগীদের কতগুলো বার্তার উত্তর দেওয়া হয়েছে, " "সবচেয়ে বেশি জিজ্ঞাসিত আগে।"
        ),
        "chart.months": "জানু ফেব্রু মার্চ এপ্রিল মে জুন জুলাই আগস্ট সেপ্টে অক্টো নভে ডিসে",
    },
}


def supported_language(language: Optional[str]) -> str:
    """``language`` if the console has texts in it, otherwise English."""
    return language if language in STRINGS else DEFAULT_LANGUAGE


def text(language: str, key: str, /, **values: object) -> str:
    """The console's text ``key`` in ``language`` (English if missing), placeholders filled."""
    table: Mapping[str, str] = STRINGS[supported_language(language)]
    template = table.get(key, STRINGS[DEFAULT_LANGUAGE].get(key, key))
    return template.format(**values) if values else template


def message(language: str, key_or_text: Optional[str]) -> str:
    """A notice or error passed by key (``message.sent``); any other text is shown as it is."""
    if not key_or_text:
        return ""
    full_key = f"message.{key_or_text}"
    if full_key in STRINGS[DEFAULT_LANGUAGE]:
        return text(language, full_key)
    return key_or_text


def value_name(language: str, kind: str, raw: Optional[str]) -> str:
    """A stored value (a handoff's ``status``, a ``channel``...) in ``language``.

    Values the table does not know are shown as they are ('' for ``None``).
    """
    if raw is None:
        return ""
    key = f"{kind}.{raw}"
    return text(language, key) if key in STRINGS[DEFAULT_LANGUAGE] else raw


def language_name(language: str, code: Optional[str]) -> str:
    """A conversation's language code (``bn``) named in ``language`` (``Bangla``)."""
    key = CONVERSATION_LANGUAGE_KEYS.get(code or "")
    return text(language, key) if key else (code or "")


def waiting_time(language: str, seconds: int) -> str:
    """Waiting time as ``4 min`` or ``1 h 20 min`` in ``language``."""
    minutes = max(0, int(seconds)) // 60
    if minutes < 60:
        return text(language, "duration.minutes", minutes=minutes)
    return text(language, "duration.hours", hours=minutes // 60, minutes=minutes % 60)


class Translator:
    """The texts of one language, for templates: ``{{ t("queue.title") }}``."""

    def __init__(self, language: Optional[str]) -> None:
        """Texts in ``language``, or the default language if it is not supported."""
        self.language = supported_language(language)

    def __call__(self, key: str, /, **values: object) -> str:
        """The text of ``key`` with ``values`` filled in."""
        return text(self.language, key, **values)

    def message(self, key_or_text: Optional[str]) -> str:
        """A notice or error from the query string, translated when it is a known key."""
        return message(self.language, key_or_text)

    def value(self, kind: str, raw: Optional[str]) -> str:
        """A stored value in this language: ``{{ t.value("status", handoff.status) }}``."""
        return value_name(self.language, kind, raw)

    def language_name(self, code: Optional[str]) -> str:
        """A conversation's language code as a name in this language."""
        return language_name(self.language, code)

    def waiting(self, seconds: int) -> str:
        """Waiting time in this language."""
        return waiting_time(self.language, seconds)
