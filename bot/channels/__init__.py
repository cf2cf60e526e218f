"""Rasa input/output channels of the clinic assistant."""

# The channels that reach patients on WhatsApp (Meta's Cloud API, Twilio).
WHATSAPP_CHANNELS = ("whatsapp", "twilio_whatsapp")
