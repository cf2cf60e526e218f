// Fixed texts of the widget, by language (data-lang="en" or "bn"). Every
// language has every key; an unknown language gets the English texts.
export const STRINGS = {
  en: {
    open: "Chat with the clinic's assistant",
    launcher: "Chat",
    title: "Ask the clinic",
    subtitle: "Automated assistant · general information",
    close: "Close chat",
    talkToStaff: "Talk to staff",
    whatsapp: "WhatsApp",
    whatsappLabel: "Chat with the clinic on WhatsApp (opens in a new tab)",
    // The first message a WhatsApp chat opened from one operation's page
    // starts with: the assistant reads it as a question announced about that
    // operation (bot/nlu/short_replies.yml), and the chat is then about it.
    whatsappKnee: "Hello, I have a question about the knee operation (DFO).",
    whatsappHip: "Hello, I have a question about the hip operation (VRO).",
    inputLabel: "Type your message",
    placeholder: "Type your question…",
    send: "Send",
    you: "You",
    assistant: "Assistant",
    sending: "sending…",
    notSent: "will be sent when the connection is back",
    reconnecting: "Connection lost. Reconnecting… Your messages will be sent when it is back.",
    offline:
      "We can't reach the clinic's assistant right now. Your messages are kept and will be sent when the connection is back.",
    tooLong: "Your message is too long. Please keep it under {max} characters.",
    counter: "{count} of {max} characters",
    disclaimer: "Not medical advice. In an emergency call 999.",
    unread: "{count} unread messages",
    newMessage: "New message from the assistant",
    staffLabel: "clinic staff",
  },
  bn: {
    open: "ক্লিনিকের সহকারীর সাথে চ্যাট করুন",
    launcher: "চ্যাট",
    title: "ক্লিনিককে জিজ্ঞেস করুন",
    subtitle: "স্বয়ংক্রিয় সহকারী · সাধারণ তথ্য",
    close: "চ্যাট বন্ধ করুন",
    talkToStaff: "কর্মীর সাথে কথা বলুন",
    whatsapp: "হোয়াটসঅ্যাপ",
    whatsappLabel: "হোয়াটসঅ্যাপে ক্লিনিকের সাথে চ্যাট করুন (নতুন ট্যাবে খুলবে)",
    whatsappKnee: "হ্যালো, হাঁটুর অপারেশন (DFO) নিয়ে আমার একটি প্রশ্ন আছে।",
    whatsappHip: "হ্যালো, হিপের অপারেশন (VRO) নিয়ে আমার একটি প্রশ্ন আছে।",
    inputLabel: "আপনার বার্তা লিখুন",
    placeholder: "আপনার প্রশ্ন লিখুন…",
    send: "পাঠান",
    you: "আপনি",
    assistant: "সহকারী",
    sending: "পাঠানো হচ্ছে…",
    notSent: "সংযোগ ফিরে এলে পাঠানো হবে",
    reconnecting: "সংযোগ বিচ্ছিন্ন হয়েছে। আবার সংযোগ করা হচ্ছে… সংযোগ ফিরে এলে আপনার বার্তা পাঠানো হবে।",
    offline:
      "এই মুহূর্তে ক্লিনিকের সহকারীর সাথে যোগাযোগ করা যাচ্ছে না। আপনার বার্তাগুলো রাখা আছে, সংযোগ ফিরে এলে পাঠানো হবে।",
    tooLong: "আপনার বার্তাটি খুব লম্বা। অনুগ্রহ করে {max} অক্ষরের কম রাখুন।",
    counter: "{max}টির মধ্যে {count}টি অক্ষর",
    disclaimer: "এটি চিকিৎসা-পরামর্শ নয়। জরুরি অবস্থায় ৯৯৯-এ ফোন করুন।",
    unread: "{count}টি না-পড়া বার্তা",
    newMessage: "সহকারীর কাছ থেকে নতুন বার্তা",
    staffLabel: "ক্লিনিকের কর্মী",
  },
};

export function strings(language) {
  return STRINGS[language] || STRINGS.en;
}

export function format(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => String(values[key] ?? ""));
}
