// The frame of the signed-out pages: the brand's name large, the language switch, one card.
import type { ReactNode } from 'react';
import { Alert, Box, Center, Container, Group, Image, Paper, Stack, Text, Title } from '@mantine/core';
import { LanguageSwitch } from '../../components/LanguageSwitch.tsx';
import { brandColor, brandLogo, brandName, brandNotice, useBrandTitle, usePublicBrand } from '../../components/brand.ts';
import { useI18n } from '../../i18n/i18n.tsx';

export function AuthLayout({ title, subtitle, children }: { title: string; subtitle?: string; children: ReactNode }) {
  const { lang } = useI18n();
  const brand = usePublicBrand();
  useBrandTitle(brandName(brand, lang));
  const logo = brandLogo(brand);
  const notice = brandNotice(brand);
  return (
    <Box mih="100vh" bg="gray.0" py="xl">
      <Container size={440}>
        <Group justify="flex-end" mb="md">
          <LanguageSwitch />
        </Group>
        <Center mb="lg">
          <Stack gap="xs" align="center">
            {logo ? <Image src={logo} alt={brandName(brand, lang)} h={56} w="auto" fit="contain" /> : null}
            <Title order={1} c={brandColor(brand) ?? 'teal.8'} data-testid="brand-name" ta="center">
              {brandName(brand, lang) || '\u00a0'}
            </Title>
          </Stack>
        </Center>
        {notice ? (
          <Alert color={notice.code === 'AGENCY_ADMIN_SUSPENDED' ? 'red' : 'yellow'} variant="light" mb="md" data-testid="brand-notice">
            {notice.message}
          </Alert>
        ) : null}
        <Paper withBorder shadow="sm" radius="md" p="xl">
          <Stack gap="md">
            <div>
              <Title order={2} size="h3">
                {title}
              </Title>
              {subtitle ? (
                <Text c="dimmed" size="sm" mt={4}>
                  {subtitle}
                </Text>
              ) : null}
            </div>
            {children}
          </Stack>
        </Paper>
      </Container>
    </Box>
  );
}
