// The frame of the signed-out pages: the brand's name large, the language switch, one card.
import type { ReactNode } from 'react';
import { Box, Center, Container, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { LanguageSwitch } from '../../components/LanguageSwitch.tsx';
import { brandName, useBrandTitle, usePublicBrand } from '../../components/brand.ts';
import { useI18n } from '../../i18n/i18n.tsx';

export function AuthLayout({ title, subtitle, children }: { title: string; subtitle?: string; children: ReactNode }) {
  const { lang } = useI18n();
  const brand = usePublicBrand();
  useBrandTitle(brandName(brand, lang));
  return (
    <Box mih="100vh" bg="gray.0" py="xl">
      <Container size={440}>
        <Group justify="flex-end" mb="md">
          <LanguageSwitch />
        </Group>
        <Center mb="lg">
          <Title order={1} c="teal.8" data-testid="brand-name" ta="center">
            {brandName(brand, lang) || '\u00a0'}
          </Title>
        </Center>
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
