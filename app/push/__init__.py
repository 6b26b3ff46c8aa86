"""Web push: VAPID keys and signing (``vapid``), one message to one device (``sender``).

Plain data in, an outcome out: no database here; the nudge delivery decides what an outcome
means for the stored subscription."""
