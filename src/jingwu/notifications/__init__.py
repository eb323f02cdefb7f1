"""Notifications: an in-app list with an unread count, and outside channels (SMTP, SMS).

Other domains call :func:`jingwu.notifications.service.notify`; the message is an English
message id with parameters, translated when shown or sent. Outside deliveries go through an
outbox drained by a worker job, so a slow mail server never holds up a request or the sweep.
"""
