"""The unsubscribe link at the foot of a resident's e-mail: it names the address it opts out,
signed with the service's secret so that nobody can opt out an address they did not receive
mail at. It does not expire: a link in an e-mail read a year later must still work.
"""

from __future__ import annotations

from dataclasses import dataclass

from notification.domain.preferences import normal_address
from notification.domain.templates import Channel, Language
from notification.service_layer.signed_links import SignedLinks, signed_links
from notification.settings import NotificationSettings

FOOTER = {
    Language.ZH_CN: "\n\n——\n不想再收到此类邮件？点击退订：{link}",
    Language.EN: "\n\n——\nNo longer want e-mails like this one? Unsubscribe: {link}",
}
UNSUBSCRIBE = ""
"""The purpose its tokens are signed for: none (the first kind of link, kept as it was)."""


@dataclass(frozen=True)
class UnsubscribeLinks:
    links: SignedLinks

    def token(self, channel: Channel, address: str) -> str:
        return self.links.token(UNSUBSCRIBE, f"{channel.value}:{normal_address(channel, address)}")

    def link(self, channel: Channel, address: str) -> str:
        return self.links.url("/unsubscribe", self.token(channel, address))

    def address_of(self, token: str) -> tuple[Channel, str] | None:
        """The channel and address a token names; None when it is not one of ours."""
        text = self.links.read(UNSUBSCRIBE, token)
        if text is None:
            return None
        channel, _, address = text.partition(":")
        try:
            return Channel(channel), address
        except ValueError:
            return None

    def footer(self, address: str, language: Language = Language.ZH_CN) -> str:
        return FOOTER[language].format(link=self.link(Channel.EMAIL, address))


def unsubscribe_links(settings: NotificationSettings) -> UnsubscribeLinks:
    return UnsubscribeLinks(signed_links(settings))
