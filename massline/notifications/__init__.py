"""Notifications (通知): the person and the staff told of a case's steps by email or SMS."""
