"""Writes on the social graph, by topic. Import the function from its module:

from social.services.friends import friend_request_send
"""
