// Fixed texts of the widget, by language. Bangla is filled in with the
// Bangla work; until then the English texts are used for every language.
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
  },
};

export function strings(language) {
  return STRINGS[language] || STRINGS.en;
}

export function format(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => String(values[key] ?? ""));
}
