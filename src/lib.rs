//! ackbot
