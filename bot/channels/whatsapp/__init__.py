"""WhatsApp, through Meta's Cloud API or through Twilio, as Rasa channels.

One module per job:

* ``base``: provider-neutral message types and text rules, and the output
  base class that sends, records and raises for both providers;
* ``delivery``: the retrying HTTP sender both clients use;
* ``inbound``: the input base class (acknowledge the webhook at once, handle
  its messages in the background, each once);
* ``meta_messages``: Meta's webhook and message formats as plain data;
* ``meta``: Meta's Graph API client and the ``whatsapp`` channel;
* ``twilio``: Twilio's client and the ``twilio_whatsapp`` channel.

Which channels are WhatsApp, and the 24-hour window, are in the neutral
``bot.whatsapp_window`` (the console and the actions read them too).
Nothing is imported here, so importing one module loads only what it needs.
"""
