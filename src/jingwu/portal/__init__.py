"""The citizen portal of the internet zone (issue 12 §1).

The internet zone writes submissions, sealed to the intranet's public key, into
``public_inbox`` and reads status only from ``pub_requests``; the intranet jobs
``portal.intake`` and ``portal.publish`` carry them across the boundary.
Pure modules: :mod:`~jingwu.portal.sealing`, :mod:`~jingwu.portal.phrases`,
:mod:`~jingwu.portal.zone`.
"""
